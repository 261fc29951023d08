import * as z from 'zod'
import { legView } from '../cases/case-view.js'
import { LegStatus } from '../cases/leg-status.js'
import type { CaseReader, CaseRecord } from '../cases/stored-case.js'
import type { Calendar } from '../clock/calendar.js'
import { warningCutoff } from '../clock/deadline.js'
import { type CalendarDeps, withCalendars } from '../clock/read-calendar.js'
import { DomainError } from '../errors.js'
import { Instant, ParticipantId } from '../registry/ids.js'
import { Mode } from '../registry/item.js'

/** The query of `GET /v1/supervision/legs`. */
export const SupervisionQuery = z.strictObject({
  state: z
    .enum(['overdue', 'warning'])
    .describe('`overdue`: past the deadline and undecided; `warning`: one working day or less left.'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2048).optional(),
})
export type SupervisionQuery = z.infer<typeof SupervisionQuery>

/** A leg on the supervisors' list: whose it is, where it stands and its deadline, no personal data. */
export const SupervisedLeg = z
  .object({
    caseId: z.string(),
    home: ParticipantId,
    accepting: ParticipantId,
    itemCode: z.string(),
    mode: Mode,
    status: LegStatus,
    version: z.number().int().min(1),
    deadline: Instant,
    overdue: z.boolean(),
    warning: z.boolean(),
  })
  .meta({ id: 'SupervisedLeg' })
export type SupervisedLeg = z.infer<typeof SupervisedLeg>

/** `GET /v1/supervision/legs`. */
export const SupervisedLegList = z
  .object({
    legs: z.array(SupervisedLeg),
    nextCursor: z
      .string()
      .optional()
      .describe('Present while the listing goes on; a page may hold fewer than `limit` legs, even none.'),
  })
  .meta({ id: 'SupervisedLegList' })
export type SupervisedLegList = z.infer<typeof SupervisedLegList>

/** The two partitions of the by-deadline index: running clocks, and legs flagged overdue and undecided. */
export type DeadlinePartition = 'deadline' | 'overdue'

/** Where a listing of the by-deadline index stopped (the store's own position). */
export const DeadlinePosition = z.strictObject({ deadlineSort: z.string(), pk: z.string(), sk: z.string() })
export type DeadlinePosition = z.infer<typeof DeadlinePosition>

/** Bounds (inclusive) on the index's sort key, `<deadline>#<caseId>#<home>`. */
export type DeadlineRange = { lower?: string; upper?: string }

/** The by-deadline index as the supervisors' list reads it. */
export interface SupervisionIndex {
  /** Legs of one partition whose sort key lies in `range`, in deadline order. */
  legs(
    partition: DeadlinePartition,
    range: DeadlineRange,
    page: { limit: number; after?: DeadlinePosition },
  ): Promise<{ legs: { caseId: string; home: string }[]; next?: DeadlinePosition }>
}

/** What the list needs: the index, the cases, the calendars (for warnings) and a clock. */
export type SupervisionDeps = {
  index: SupervisionIndex
  cases: Pick<CaseReader, 'load'>
  calendar: CalendarDeps
  clock: () => Date
}

const beijingOffsetMs = 8 * 3_600_000

/** An instant written as deadlines are (`…+08:00`, milliseconds), so that strings compare as times. */
const asDeadline = (instant: Date) =>
  `${new Date(instant.getTime() + beijingOffsetMs).toISOString().slice(0, 23)}+08:00`

type Phase = { partition: DeadlinePartition; range: DeadlineRange }

/**
 * Which parts of the index a state is read from, at `asOf`: warnings are running clocks due
 * between now and the warning cutoff; overdue legs are those the sweep has flagged (partition
 * `overdue`), then running clocks past their deadline that it has not reached yet.
 */
const phasesOf = async (
  deps: SupervisionDeps,
  state: SupervisionQuery['state'],
  asOf: Date,
): Promise<Phase[]> => {
  const now = asDeadline(asOf)
  if (state === 'overdue') {
    return [
      { partition: 'overdue', range: {} },
      { partition: 'deadline', range: { upper: now } },
    ]
  }
  const cutoff = await withCalendars(deps.calendar, (read) => warningCutoff(asOf.toISOString(), read))
  return [{ partition: 'deadline', range: { lower: now, upper: `${cutoff}#\uffff` } }]
}

const Cursor = z.strictObject({
  state: z.enum(['overdue', 'warning']),
  asOf: Instant,
  phase: z.number().int().min(0),
  after: DeadlinePosition.optional(),
})
type Cursor = z.infer<typeof Cursor>

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url')

const badCursor = () =>
  new DomainError('validation-failed', 'The cursor is not one this exchange issued for this query.', {
    errors: [{ path: '/query/cursor', message: 'invalid cursor' }],
  })

const decodeCursor = (text: string, state: SupervisionQuery['state']): Cursor => {
  try {
    const cursor = Cursor.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')))
    if (cursor.state === state) return cursor
  } catch {}
  throw badCursor()
}

const within = (range: DeadlineRange, sort: string) =>
  (range.lower === undefined || sort >= range.lower) && (range.upper === undefined || sort <= range.upper)

/**
 * `GET /v1/supervision/legs?state=overdue|warning` (电子监察): the legs past their deadline and not
 * decided, or with one working day or less left, in deadline order, read from the by-deadline index
 * (never a scan). Each is shown as it stands now; a leg that has moved on since it was indexed
 * (decided, paused) is left out. A cursor keeps the instant the listing started, so pages follow
 * one another over the same ranges.
 */
export const listSupervisedLegs = async (
  deps: SupervisionDeps,
  query: SupervisionQuery,
): Promise<SupervisedLegList> => {
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.state)
  const asOf = cursor === undefined ? deps.clock() : new Date(cursor.asOf)
  const phases = await phasesOf(deps, query.state, asOf)
  let phase = cursor?.phase ?? 0
  let after = cursor?.after
  const current = phases[phase]
  if (
    cursor !== undefined &&
    (current === undefined || (after !== undefined && !within(current.range, after.deadlineSort)))
  ) {
    throw badCursor()
  }

  const found: { caseId: string; home: string }[] = []
  while (phase < phases.length && found.length < query.limit) {
    const reading = phases[phase] as Phase
    const page = await deps.index.legs(reading.partition, reading.range, {
      limit: query.limit - found.length,
      ...(after === undefined ? {} : { after }),
    })
    found.push(...page.legs)
    after = page.next
    if (after === undefined) phase++
  }

  const caseIds = [...new Set(found.map((leg) => leg.caseId))]
  const records = new Map<string, CaseRecord | undefined>(
    await Promise.all(caseIds.map(async (caseId) => [caseId, await deps.cases.load(caseId)] as const)),
  )
  const now = deps.clock()
  const calendars = new Map<number, Calendar>()
  const seen = new Set<string>()
  const legs: SupervisedLeg[] = []
  for (const { caseId, home } of found) {
    const record = records.get(caseId)
    const leg = record?.legs.find((candidate) => candidate.home === home)
    if (record === undefined || leg === undefined || seen.has(`${caseId}#${home}`)) continue
    seen.add(`${caseId}#${home}`)
    // A decided or withdrawn leg has nothing left to supervise, however late it was.
    if (leg.clock?.stoppedAt !== undefined) continue
    const view = await legView(deps, leg, now, calendars)
    if (view.deadline === undefined || !(query.state === 'overdue' ? view.overdue : view.warning)) continue
    legs.push({
      caseId,
      home,
      accepting: record.case.accepting,
      itemCode: record.case.itemCode,
      mode: record.case.mode,
      status: view.status,
      version: view.version,
      deadline: view.deadline,
      overdue: view.overdue,
      warning: view.warning,
    })
  }
  return {
    legs,
    ...(phase < phases.length
      ? {
          nextCursor: encodeCursor({
            state: query.state,
            asOf: asOf.toISOString(),
            phase,
            ...(after === undefined ? {} : { after }),
          }),
        }
      : {}),
  }
}
