import { type AuditedWriteDeps, commitAudited } from '../audit/append-audited.js'
import type { Calendar } from '../clock/calendar.js'
import { legTiming, warningCutoff } from '../clock/deadline.js'
import { type CalendarDeps, withCalendars } from '../clock/read-calendar.js'
import type { NewMessage } from '../inbox/inbox-message.js'
import type { Change } from '../store/changes.js'
import type { CaseReader } from './stored-case.js'
import { putLeg } from './transition-leg.js'

/** The legs whose deadline falls by a cutoff, in deadline order (the by-deadline index). */
export interface DeadlineIndex {
  dueBy(
    cutoff: string,
    page: { limit: number; after?: string },
  ): Promise<{ legs: { caseId: string; home: string }[]; next?: string }>
}

export type SuperviseDeps = AuditedWriteDeps & {
  cases: Pick<CaseReader, 'load'>
  deadlines: DeadlineIndex
  calendar: CalendarDeps
  enqueue: (messages: NewMessage[]) => Promise<Change[]>
}

/** The system actor of the supervision sweep (电子监察) in audit events. */
const supervisor = { participant: 'exchange', sub: 'supervision-sweep' }

/** Raises one leg's warning or overdue notice if it is due and not raised yet; answers what it raised. */
const superviseLeg = (
  deps: SuperviseDeps,
  target: { caseId: string; home: string },
  calendars: Map<number, Calendar>,
): Promise<'warning' | 'overdue' | undefined> =>
  commitAudited(deps, async () => {
    const record = await deps.cases.load(target.caseId)
    const leg = record?.legs.find((candidate) => candidate.home === target.home)
    const clock = leg?.clock
    if (
      record === undefined ||
      leg === undefined ||
      clock === undefined ||
      clock.pausedAt !== undefined ||
      clock.stoppedAt !== undefined
    ) {
      return { changes: [], audit: [], result: undefined }
    }
    const now = deps.clock().toISOString()
    const timing = await withCalendars(
      deps.calendar,
      (read) => legTiming(clock.deadline, now, read),
      calendars,
    )
    const raised =
      timing.overdue && leg.overdueRaised !== true
        ? 'overdue'
        : timing.warning && leg.warningRaised !== true
          ? 'warning'
          : undefined
    if (raised === undefined) return { changes: [], audit: [], result: undefined }
    // Marking the leg is a change of the leg: it takes a version like any other, so no concurrent
    // transition can overwrite the mark and make the sweep raise it twice.
    const next = {
      ...leg,
      version: leg.version + 1,
      updatedAt: now,
      warningRaised: true,
      ...(raised === 'overdue' ? { overdueRaised: true } : {}),
    }
    const type = raised === 'overdue' ? 'case.overdue' : 'case.deadline-warning'
    const messages = [record.case.accepting, leg.home].map(
      (recipient): NewMessage => ({
        recipient,
        type,
        caseId: leg.caseId,
        home: leg.home,
        version: next.version,
        body: { deadline: clock.deadline, status: leg.status },
      }),
    )
    return {
      changes: [putLeg(next, leg.version), ...(await deps.enqueue(messages))],
      audit: [
        {
          actor: supervisor,
          action: `leg.${raised}`,
          caseId: leg.caseId,
          home: leg.home,
          from: leg.status,
          to: leg.status,
          version: next.version,
          details: { deadline: clock.deadline },
        },
      ],
      result: raised,
    }
  })

/**
 * The supervision sweep (EventBridge on AWS, a timer in `npm start`): reads only the legs due by
 * the warning cutoff from the deadline index and raises `case.deadline-warning` and `case.overdue`
 * once each, to both sides, marking the leg. A leg leaves the index once its overdue notice is
 * raised, so a sweep's cost follows the legs near or past their deadline, not the size of the log.
 */
export const superviseDeadlines = async (
  deps: SuperviseDeps,
): Promise<{ warnings: number; overdue: number }> => {
  const calendars = new Map<number, Calendar>()
  const cutoff = await withCalendars(
    deps.calendar,
    (read) => warningCutoff(deps.clock().toISOString(), read),
    calendars,
  )
  const counts = { warnings: 0, overdue: 0 }
  let after: string | undefined
  do {
    const page = await deps.deadlines.dueBy(cutoff, { limit: 100, ...(after === undefined ? {} : { after }) })
    for (const leg of page.legs) {
      const raised = await superviseLeg(deps, leg, calendars)
      if (raised === 'warning') counts.warnings++
      if (raised === 'overdue') counts.overdue++
    }
    after = page.next
  } while (after !== undefined)
  return counts
}
