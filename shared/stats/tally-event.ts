import type { AuditEvent } from '../audit/audit-event.js'
import { beijingDate, type Calendars, workingDaysBetween } from '../clock/deadline.js'
import { type BucketKind, groupSeparator, type Tally } from './buckets.js'
import { type Counter, type Counts, noCounts } from './counts.js'

/** The counter each counted action adds one to, per leg; every other event counts nothing. */
const counted: Readonly<Record<string, Counter>> = {
  'case.submitted': 'submitted',
  'leg.accept': 'accepted',
  'leg.approve': 'approved',
  'leg.reject': 'rejected',
  'leg.withdraw': 'withdrawn',
  'leg.deliver': 'delivered',
  'leg.overdue': 'overdue',
}

const decisions = new Set(['leg.approve', 'leg.reject'])

/** Whether an event counts in the statistics at all. */
const countsInStatistics = (event: Pick<AuditEvent, 'action'>): boolean =>
  Object.hasOwn(counted, event.action)

/** Whether counting an event needs its case's history (who the parties are, when the clock ran). */
export const needsHistory = (event: Pick<AuditEvent, 'action' | 'caseId'>): boolean =>
  countsInStatistics(event) && event.action !== 'case.submitted' && event.caseId !== undefined

/** One leg as the statistics group it: who handed it to whom, of which item. */
export type LegParties = { accepting: string; home: string; itemCode: string }

const join = (...parts: string[]) => parts.join(groupSeparator)

/** The buckets one leg's counts land in: its four groups, and the keys each party reads its own by. */
export const bucketsOfLeg = (leg: LegParties): { kind: BucketKind; group: string }[] => [
  { kind: 'home', group: leg.home },
  { kind: 'accepting', group: leg.accepting },
  { kind: 'item', group: leg.itemCode },
  { kind: 'pair', group: join(leg.accepting, leg.home) },
  { kind: 'pair-by-home', group: join(leg.home, leg.accepting) },
  ...[...new Set([leg.accepting, leg.home])].map((party) => ({
    kind: 'party-item' as const,
    group: join(party, leg.itemCode),
  })),
]

/** The parties and item of a case, from its submission event (the accepting participant submits). */
const partiesOf = (history: readonly AuditEvent[]) => {
  const submitted = history.find((event) => event.action === 'case.submitted')
  const itemCode = submitted?.details.itemCode
  if (submitted === undefined || typeof itemCode !== 'string') return undefined
  return { accepting: submitted.actor.participant, itemCode }
}

/**
 * Working days from a leg's acceptance to its decision, less the working days a supplement
 * request paused its clock: the time the home took, as the legal clock counts it. Days are Beijing
 * dates, the first not counting (`workingDaysBetween`); a pause costs the days after its request
 * up to and including the resubmission, as `pausedDays` extends the deadline. Working days even
 * for items whose limits count calendar days, so that every item is measured alike.
 */
export const workingDaysToDecision = (
  decision: AuditEvent,
  history: readonly AuditEvent[],
  calendars: Calendars,
): number | undefined => {
  let started: string | undefined
  let pausedAt: string | undefined
  let paused = 0
  for (const event of history) {
    if (event.eventId === decision.eventId) break
    if (event.home !== decision.home) continue
    if (event.action === 'leg.accept') started = event.at
    else if (event.action === 'leg.request-supplement' && event.from === 'accepted') pausedAt = event.at
    else if (event.action === 'leg.resubmit' && pausedAt !== undefined) {
      paused += workingDaysBetween(pausedAt, event.at, calendars)
      pausedAt = undefined
    }
  }
  if (started === undefined) return undefined
  return Math.max(0, workingDaysBetween(started, decision.at, calendars) - paused)
}

/** What a decision adds: on time or late by the deadline it was made under, and its working days. */
const decisionCounts = (decision: AuditEvent, history: readonly AuditEvent[], calendars: Calendars) => {
  const counts = noCounts()
  const deadline = decision.details.deadline
  if (typeof deadline === 'string') {
    if (Date.parse(decision.at) <= Date.parse(deadline)) counts.onTime = 1
    else counts.late = 1
  }
  const days = workingDaysToDecision(decision, history, calendars)
  if (days !== undefined) counts.days[days] = 1
  return counts
}

const tallies = (legs: LegParties[], day: string, counts: Counts): Tally[] =>
  legs.flatMap((leg) => bucketsOfLeg(leg).map((bucket) => ({ ...bucket, day, counts })))

/**
 * What one audit event adds to the statistics, in the buckets of the Beijing day it happened:
 * `case.submitted` one submission per home; `leg.accept`, `leg.approve`, `leg.reject`,
 * `leg.withdraw`, `leg.deliver` and the sweep's `leg.overdue` one of their counter for their leg,
 * a decision also on time or late and its working days. Nothing for any other event; `undefined`
 * when a counted event cannot be attributed (its case's history lacks the submission).
 */
export const tallyEvent = (
  event: AuditEvent,
  history: readonly AuditEvent[] | undefined,
  calendars: Calendars,
): Tally[] | undefined => {
  const counter = counted[event.action]
  if (counter === undefined) return []
  const day = beijingDate(event.at)
  if (event.action === 'case.submitted') {
    const { itemCode, homes } = event.details
    if (typeof itemCode !== 'string' || !Array.isArray(homes)) return undefined
    const counts = { ...noCounts(), submitted: 1 }
    const legs = homes
      .filter((home): home is string => typeof home === 'string')
      .map((home) => ({ accepting: event.actor.participant, home, itemCode }))
    return tallies(legs, day, counts)
  }
  const parties = history === undefined ? undefined : partiesOf(history)
  if (history === undefined || parties === undefined || event.home === undefined) return undefined
  const counts = decisions.has(event.action) ? decisionCounts(event, history, calendars) : noCounts()
  counts[counter] = 1
  return tallies([{ ...parties, home: event.home }], day, counts)
}
