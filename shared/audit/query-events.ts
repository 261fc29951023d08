import * as z from 'zod'
import { DomainError, notFound } from '../errors.js'
import type { CaseParties } from '../packages/sealed-package.js'
import { CaseId } from '../packages/sealed-package.js'
import { Instant, ParticipantId } from '../registry/ids.js'
import type { Principal } from '../trust/principal.js'
import { invalidCursor, openCursor, sealCursor } from './audit-cursor.js'
import { AuditEvent } from './audit-event.js'
import {
  type AuditEventIndex,
  type EventFilter,
  type EventPartition,
  positionOf,
  type StoredEvent,
} from './event-index.js'

/** An audit action as events name it (`case.submitted`, `leg.approve-intake`, …). */
export const AuditAction = z
  .string()
  .regex(/^[a-z][a-z0-9._-]{0,99}$/, { error: 'must be an action name such as case.submitted' })

/** The largest page `GET /v1/audit/events` answers. */
export const maxEventPage = 200

/** The query of `GET /v1/audit/events`; every member optional, `from` inclusive, `to` exclusive. */
export const EventQuery = z.strictObject({
  caseId: CaseId.optional().describe("A case's events, in chain order; others need to be its party."),
  participant: ParticipantId.optional().describe(
    'Events this participant performed. Who is not an auditor sees only their own.',
  ),
  action: AuditAction.optional(),
  from: Instant.optional().describe('Events stamped at or after this instant.'),
  to: Instant.optional().describe('Events stamped before this instant; defaults to now.'),
  limit: z.coerce.number().int().min(1).max(maxEventPage).default(50),
  cursor: z
    .string()
    .max(2048)
    .optional()
    .describe('The `nextCursor` of the page before, with the same query.'),
})
export type EventQuery = z.infer<typeof EventQuery>

/** `GET /v1/audit/events`. */
export const AuditEventList = z
  .object({
    events: z.array(AuditEvent),
    nextCursor: z
      .string()
      .optional()
      .describe(
        'Pass as `cursor`, with the same query, for the next page; absent once the query is exhausted. ' +
          'A page may hold fewer than `limit` events, even none, and still have a next one.',
      ),
  })
  .meta({ id: 'AuditEventList' })
export type AuditEventList = z.infer<typeof AuditEventList>

/** What querying the log needs: its indexes, who is party to a case, and a clock (for open ranges). */
export type QueryEventsDeps = { events: AuditEventIndex; parties: CaseParties; clock: () => Date }

/** Partition reads one request may make (each empty day of a time range is one). */
const maxCalls = 32
/** Items one request may read, kept or not. */
const maxReads = 1000
const dayMs = 86_400_000

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
const Chain = z.string().regex(/^(case|participant)#[A-Za-z0-9._-]{1,128}$/)
const Position = z.strictObject({
  chain: Chain,
  seq: z.number().int().min(1).max(1e12),
  atKey: z.string().max(200).optional(),
})
const QueryPosition = z.strictObject({ day: Day.optional(), after: Position.optional() })
type QueryPosition = z.infer<typeof QueryPosition>

const utc = (instant: string | undefined) =>
  instant === undefined ? undefined : new Date(Date.parse(instant)).toISOString()
const dayOf = (iso: string) => iso.slice(0, 10)
const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + dayMs).toISOString().slice(0, 10)

/** How a query is served: nothing to read, one partition, or a walk over the days of a range. */
type Plan =
  | { kind: 'none' }
  | { kind: 'partition'; partition: EventPartition; filter: EventFilter; ownCasesOnly: boolean }
  | { kind: 'days'; first: string; last: string; filter: EventFilter }

const refuse = (path: string, message: string) =>
  new DomainError('validation-failed', 'The request query is not valid.', { errors: [{ path, message }] })

/**
 * Picks the most selective key the caller may use: a case's chain, else an actor, else an action,
 * else the days of the range; whatever else the query names filters the partition read.
 */
const planOf = async (deps: QueryEventsDeps, query: EventQuery, caller: Principal): Promise<Plan> => {
  const from = utc(query.from)
  const to = utc(query.to)
  if (from !== undefined && to !== undefined && from > to) throw refuse('/query/from', 'must not be after to')
  const range = { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }
  const auditor = caller.roles.includes('auditor')
  if (query.caseId !== undefined) {
    if (!auditor) {
      const parties = await deps.parties.partiesOf(query.caseId)
      const party = parties?.accepting === caller.participant || parties?.homes.includes(caller.participant)
      if (party !== true) throw notFound('The case')
    }
    const filter: EventFilter = {
      ...range,
      ...(query.participant === undefined ? {} : { actor: query.participant }),
      ...(query.action === undefined ? {} : { action: query.action }),
    }
    return {
      kind: 'partition',
      partition: { index: 'chain', chain: `case#${query.caseId}` },
      filter,
      ownCasesOnly: false,
    }
  }
  const actionFilter: EventFilter = {
    ...range,
    ...(query.action === undefined ? {} : { action: query.action }),
  }
  if (!auditor) {
    // Others' events reach a participant only through the cases it is party to (caseId above).
    if (query.participant !== undefined && query.participant !== caller.participant) return { kind: 'none' }
    return {
      kind: 'partition',
      partition: { index: 'actor', key: caller.participant },
      filter: actionFilter,
      ownCasesOnly: true,
    }
  }
  if (query.participant !== undefined)
    return {
      kind: 'partition',
      partition: { index: 'actor', key: query.participant },
      filter: actionFilter,
      ownCasesOnly: false,
    }
  if (query.action !== undefined)
    return {
      kind: 'partition',
      partition: { index: 'action', key: query.action },
      filter: range,
      ownCasesOnly: false,
    }
  if (from === undefined)
    throw refuse('/query/from', 'is required unless caseId, participant or action narrows the query')
  const end = to ?? deps.clock().toISOString()
  if (end <= from) return { kind: 'none' }
  return {
    kind: 'days',
    first: dayOf(from),
    last: dayOf(new Date(Date.parse(end) - 1).toISOString()),
    filter: { from, to: end },
  }
}

/** Whether a position read from a cursor lies inside the partition and range the plan re-derived. */
const fits = (plan: Plan, position: QueryPosition): boolean => {
  const { day, after } = position
  if (plan.kind === 'none') return false
  const inRange = (atKey: string | undefined) =>
    atKey !== undefined &&
    (plan.filter.from === undefined || atKey >= plan.filter.from) &&
    (plan.filter.to === undefined || atKey < plan.filter.to)
  if (plan.kind === 'days')
    return (
      day !== undefined &&
      day >= plan.first &&
      day <= plan.last &&
      (after === undefined || (inRange(after.atKey) && after.atKey?.startsWith(day) === true))
    )
  if (day !== undefined || after === undefined) return false
  return plan.partition.index === 'chain'
    ? after.chain === plan.partition.chain && after.atKey === undefined
    : inRange(after.atKey)
}

/**
 * `GET /v1/audit/events`: auditors read the whole log, everyone else the events of the cases they
 * are party to and what they did themselves. Each request reads a bounded number of items from
 * keys and indexes made for the query, whatever the size of the log; the cursor says where to go on.
 */
export const queryEvents = async (
  deps: QueryEventsDeps,
  command: { query: EventQuery; caller: Principal },
): Promise<AuditEventList> => {
  const { query, caller } = command
  const binding = {
    caller: caller.participant,
    auditor: caller.roles.includes('auditor'),
    query: { ...query, limit: undefined, cursor: undefined },
  }
  const plan = await planOf(deps, query, caller)
  if (plan.kind === 'none') {
    if (query.cursor !== undefined) throw invalidCursor()
    return { events: [] }
  }
  let position: QueryPosition =
    query.cursor === undefined
      ? plan.kind === 'days'
        ? { day: plan.first }
        : {}
      : openCursor(query.cursor, binding, QueryPosition)
  if (query.cursor !== undefined && !fits(plan, position)) throw invalidCursor()
  const parties = new Map<string, Promise<boolean>>()
  const isParty = (caseId: string) => {
    let answer = parties.get(caseId)
    if (answer === undefined) {
      answer = deps.parties
        .partiesOf(caseId)
        .then(
          (found) =>
            found?.accepting === caller.participant || found?.homes.includes(caller.participant) === true,
        )
      parties.set(caseId, answer)
    }
    return answer
  }
  const visible = async (stored: StoredEvent[]) => {
    if (plan.kind !== 'partition' || !plan.ownCasesOnly) return stored
    const shown = await Promise.all(
      stored.map(({ event }) => (event.caseId === undefined ? true : isParty(event.caseId))),
    )
    return stored.filter((_, index) => shown[index])
  }
  const events: StoredEvent[] = []
  let calls = 0
  let reads = 0
  let more = true
  while (events.length < query.limit && calls < maxCalls && reads < maxReads) {
    const partition: EventPartition =
      plan.kind === 'days' ? { index: 'day', key: position.day ?? plan.first } : plan.partition
    const page = await deps.events.page(partition, plan.filter, { after: position.after, limit: query.limit })
    calls++
    reads += query.limit
    const kept = await visible(page.events)
    const room = query.limit - events.length
    if (kept.length > room) {
      const taken = kept.slice(0, room)
      events.push(...taken)
      const last = taken[taken.length - 1]
      if (last !== undefined) position = { ...position, after: positionOf(last, partition) }
      break
    }
    events.push(...kept)
    if (page.next !== undefined) position = { ...position, after: page.next }
    else if (plan.kind === 'days' && position.day !== undefined && position.day < plan.last)
      position = { day: nextDay(position.day) }
    else {
      more = false
      break
    }
  }
  return {
    events: events.map((stored) => stored.event),
    ...(more ? { nextCursor: sealCursor(binding, position) } : {}),
  }
}
