import * as z from 'zod'
import type { Calendar } from '../clock/calendar.js'
import { legTiming } from '../clock/deadline.js'
import { type CalendarDeps, withCalendars } from '../clock/read-calendar.js'
import { notFound } from '../errors.js'
import { Instant, ParticipantId } from '../registry/ids.js'
import { Mode } from '../registry/item.js'
import type { Principal } from '../trust/principal.js'
import { Applicant, DeliveryPreference, IdentityCheck } from './case.js'
import { LegStatus } from './leg-status.js'
import { maskApplicant, type PersonalDataVault } from './personal-data.js'
import type { CaseReader, CaseRecord, StoredLeg } from './stored-case.js'

/** One home's leg as parties and auditors see it. */
export const LegView = z
  .object({
    home: ParticipantId,
    status: LegStatus,
    version: z.number().int().min(1),
    deadline: Instant.optional(),
    overdue: z.boolean(),
    warning: z.boolean(),
    reason: z.string().optional(),
    missing: z.array(z.string()).optional(),
    notice: z
      .string()
      .optional()
      .describe('The proxy-receipt notice (exchange-notice+jwt), once intake is approved.'),
    packageIds: z.array(z.string()),
    resultPackageId: z.string().optional(),
    delivered: z.object({ method: z.string(), at: Instant, reference: z.string().optional() }).optional(),
    updatedAt: Instant,
  })
  .meta({ id: 'Leg' })
export type LegView = z.infer<typeof LegView>

/** A case as its parties see it; auditors see the same with the personal data masked. */
export const CaseView = z
  .object({
    caseId: z.string(),
    acceptingRef: z.string(),
    accepting: ParticipantId,
    itemCode: z.string(),
    mode: Mode,
    homes: z.array(ParticipantId),
    applicant: Applicant,
    identityCheck: IdentityCheck,
    originalsChecked: z.boolean(),
    delivery: DeliveryPreference,
    legs: z.array(LegView),
    applicationPackageId: z.string(),
    receipt: z.string(),
    createdAt: Instant,
  })
  .meta({ id: 'Case' })
export type CaseView = z.infer<typeof CaseView>

/** What reading cases needs: the cases, the vault, the calendars (for warnings) and a clock. */
export type CaseReadDeps = {
  cases: CaseReader
  vault: PersonalDataVault
  calendar: CalendarDeps
  clock: () => Date
}

/** How the caller stands to a case: one of its parties, an auditor, or a stranger (who sees nothing). */
export const standingOf = (record: CaseRecord, caller: Principal): 'party' | 'auditor' | 'none' => {
  if (caller.participant === record.case.accepting || record.case.homes.includes(caller.participant))
    return 'party'
  return caller.roles.includes('auditor') ? 'auditor' : 'none'
}

/** A leg as shown at `now`, its deadline flags computed on the calendars read so far. */
export const legView = async (
  deps: Pick<CaseReadDeps, 'calendar'>,
  leg: StoredLeg,
  now: Date,
  calendars: Map<number, Calendar> = new Map(),
): Promise<LegView> => {
  const clock = leg.clock
  // A paused or stopped clock is read at the instant it paused or stopped: a leg decided late stays
  // overdue, one decided in time never turns overdue, and neither warns any more.
  const frozenAt = clock?.stoppedAt ?? clock?.pausedAt
  const timing =
    clock === undefined
      ? { overdue: false, warning: false }
      : frozenAt !== undefined
        ? { overdue: Date.parse(frozenAt) > Date.parse(clock.deadline), warning: false }
        : await withCalendars(
            deps.calendar,
            (read) => legTiming(clock.deadline, now.toISOString(), read),
            calendars,
          )
  return {
    home: leg.home,
    status: leg.status,
    version: leg.version,
    ...(clock === undefined ? {} : { deadline: clock.deadline }),
    ...timing,
    ...(leg.reason === undefined ? {} : { reason: leg.reason }),
    ...(leg.missing === undefined ? {} : { missing: leg.missing }),
    ...(leg.notice === undefined ? {} : { notice: leg.notice }),
    packageIds: leg.packageIds,
    ...(leg.resultPackageId === undefined ? {} : { resultPackageId: leg.resultPackageId }),
    ...(leg.delivered === undefined ? {} : { delivered: leg.delivered }),
    updatedAt: leg.updatedAt,
  }
}

/**
 * `GET /v1/cases/{caseId}`: the whole case for its parties; auditors get it with the applicant
 * masked; anyone else is told it does not exist.
 */
export const getCase = async (
  deps: CaseReadDeps,
  command: { caseId: string; caller: Principal },
): Promise<CaseView> => {
  const record = await deps.cases.load(command.caseId)
  const standing = record === undefined ? 'none' : standingOf(record, command.caller)
  if (record === undefined || standing === 'none') throw notFound('The case')
  const stored = record.case
  const personal = await deps.vault.open(stored.personal, { caseId: stored.caseId })
  const now = deps.clock()
  const calendars = new Map<number, Calendar>()
  const legs = await Promise.all(
    stored.homes
      .flatMap((home) => record.legs.filter((leg) => leg.home === home))
      .map((leg) => legView(deps, leg, now, calendars)),
  )
  return {
    caseId: stored.caseId,
    acceptingRef: stored.acceptingRef,
    accepting: stored.accepting,
    itemCode: stored.itemCode,
    mode: stored.mode,
    homes: stored.homes,
    applicant: standing === 'party' ? personal.applicant : maskApplicant(personal.applicant),
    identityCheck: stored.identityCheck,
    originalsChecked: stored.originalsChecked,
    delivery: {
      method: stored.delivery.method,
      ...(personal.address === undefined ? {} : { address: standing === 'party' ? personal.address : '***' }),
    },
    legs,
    applicationPackageId: stored.applicationPackageId,
    receipt: stored.answer.receipt,
    createdAt: stored.createdAt,
  }
}
