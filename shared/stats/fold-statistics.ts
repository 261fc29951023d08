import type { AuditEvent } from '../audit/audit-event.js'
import type { Calendar } from '../clock/calendar.js'
import { type CalendarDeps, withCalendars } from '../clock/read-calendar.js'
import type { CaseHistory, QueuedEvent, StatisticsLedger, Tally } from './buckets.js'
import { addCounts } from './counts.js'
import { needsHistory, tallyEvent } from './tally-event.js'

/** What folding needs: the queue and buckets, the cases' histories, the calendars and a clock. */
export type FoldDeps = {
  ledger: StatisticsLedger
  history: CaseHistory
  calendar: CalendarDeps
  clock: () => Date
}

/** How much one run takes on: events per page, and the time after which it starts no new page. */
export type FoldLimits = { pageSize: number; budgetMs: number }

/** What one run did: events counted, found counted by another run, left for the next run, not attributable. */
export type FoldReport = { folded: number; alreadyFolded: number; deferred: number; unattributed: number }

/** DynamoDB's limit of items in one transaction: bucket updates plus one dequeue per event. */
export const maxItemsPerWrite = 100
const maxAttempts = 4

type Pending = { queued: QueuedEvent; tallies: Tally[] }

const bucketKey = (tally: Pick<Tally, 'kind' | 'day' | 'group'>) =>
  `${tally.kind}|${tally.day}|${tally.group}`

/** Tallies of one bucket summed into one: a transaction may touch each item only once. */
export const mergeTallies = (tallies: readonly Tally[]): Tally[] => {
  const merged = new Map<string, Tally>()
  for (const tally of tallies) {
    const key = bucketKey(tally)
    const seen = merged.get(key)
    merged.set(key, seen === undefined ? tally : { ...seen, counts: addCounts(seen.counts, tally.counts) })
  }
  return [...merged.values()]
}

/** Events grouped into writes of at most `maxItemsPerWrite` items, in queue order. */
export const packWrites = (pendings: readonly Pending[]): Pending[][] => {
  const writes: Pending[][] = []
  let current: Pending[] = []
  let keys = new Set<string>()
  for (const pending of pendings) {
    const own = new Set(pending.tallies.map(bucketKey))
    if (own.size + 1 > maxItemsPerWrite)
      throw new Error(`event ${pending.queued.event.eventId} needs too many buckets`)
    const union = new Set([...keys, ...own])
    if (current.length > 0 && union.size + current.length + 1 > maxItemsPerWrite) {
      writes.push(current)
      current = []
      keys = own
    } else keys = union
    current.push(pending)
  }
  if (current.length > 0) writes.push(current)
  return writes
}

/** Writes one group of events; drops those another run counted meanwhile, and retries the rest. */
const write = async (deps: FoldDeps, group: Pending[], report: FoldReport) => {
  let remaining = group
  for (let attempt = 1; remaining.length > 0; ) {
    const result = await deps.ledger.fold(
      remaining.map((pending) => pending.queued),
      mergeTallies(remaining.flatMap((pending) => pending.tallies)),
    )
    if (result.outcome === 'written') {
      report.folded += remaining.length
      return
    }
    if (result.outcome === 'already-folded') {
      const gone = new Set(result.refs)
      const left = remaining.filter((pending) => !gone.has(pending.queued.ref))
      // A store that names no event of the write would loop here forever.
      if (left.length === remaining.length) throw new Error('the ledger refused a fold without naming why')
      report.alreadyFolded += remaining.length - left.length
      remaining = left
      continue
    }
    if (++attempt > maxAttempts) {
      report.deferred += remaining.length
      return
    }
  }
}

/** The histories of the cases whose events need one, each read once. */
const historiesOf = async (deps: FoldDeps, events: readonly QueuedEvent[]) => {
  const caseIds = [
    ...new Set(events.flatMap(({ event }) => (needsHistory(event) && event.caseId ? [event.caseId] : []))),
  ]
  const read = await Promise.all(
    caseIds.map(async (caseId) => [caseId, await deps.history.events(caseId)] as const),
  )
  return new Map<string, AuditEvent[]>(read)
}

/**
 * The statistics job (every minute on AWS, every tick in `npm start`): takes queued audit events
 * oldest first, works out what each adds to which daily buckets, and writes the buckets' increments
 * together with the events' removal from the queue, conditioned on each event still being queued.
 * So each event is counted exactly once, however often or concurrently the job runs; an event a
 * run cannot write for contention stays queued for the next. A run stops starting pages once
 * `budgetMs` have passed, so a backlog is worked off over several runs.
 */
export const foldStatistics = async (
  deps: FoldDeps,
  limits: FoldLimits = { pageSize: 100, budgetMs: 6000 },
): Promise<FoldReport> => {
  const startedAt = deps.clock().getTime()
  const calendars = new Map<number, Calendar>()
  const report: FoldReport = { folded: 0, alreadyFolded: 0, deferred: 0, unattributed: 0 }
  let after: string | undefined
  do {
    const page = await deps.ledger.unfolded({
      limit: limits.pageSize,
      ...(after === undefined ? {} : { after }),
    })
    const histories = await historiesOf(deps, page.events)
    const pendings: Pending[] = []
    for (const queued of page.events) {
      const { event } = queued
      const history = event.caseId === undefined ? undefined : histories.get(event.caseId)
      const tallies = await withCalendars(
        deps.calendar,
        (read) => tallyEvent(event, history, read),
        calendars,
      )
      // An event that cannot be attributed never will be (the log does not change): dequeue it uncounted.
      if (tallies === undefined) report.unattributed++
      pendings.push({ queued, tallies: tallies ?? [] })
    }
    for (const group of packWrites(pendings)) await write(deps, group, report)
    after = page.next
  } while (after !== undefined && deps.clock().getTime() - startedAt < limits.budgetMs)
  return report
}
