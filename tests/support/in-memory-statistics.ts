import type { AuditEvent } from '#shared/audit/audit-event.js'
import type { Calendar } from '#shared/clock/calendar.js'
import type { CalendarDeps } from '#shared/clock/read-calendar.js'
import type {
  Bucket,
  BucketKind,
  BucketSelection,
  CaseHistory,
  FoldOutcome,
  QueuedEvent,
  StatisticsLedger,
  StatisticsReader,
  Tally,
} from '#shared/stats/buckets.js'
import { addCounts, type Counts, noCounts } from '#shared/stats/counts.js'
import { maxItemsPerWrite } from '#shared/stats/fold-statistics.js'
import { InMemoryStores } from './in-memory-stores.js'

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

/**
 * The statistics' queue and buckets in memory, with the semantics of the DynamoDB ledger and
 * reader: a fold writes all of it or nothing, only while each of its events is queued, touching
 * each bucket once and at most `maxItemsPerWrite` items. `stale` makes the queue lag like a GSI:
 * it keeps answering events already folded, whose fold must then count nothing.
 */
export class InMemoryStatistics implements StatisticsLedger, StatisticsReader, CaseHistory {
  /** Every event ever queued, by ref (its id), with whether it is still queued. */
  readonly log = new Map<string, { event: AuditEvent; queued: boolean }>()
  readonly stored = new Map<string, Counts>()
  /** The folds attempted, written or not. */
  readonly folds: { refs: string[]; tallies: Tally[] }[] = []
  /** Answers the folded events too, as a lagging index would. */
  stale = false
  /** How many of the next folds answer `contended` without writing. */
  contentions = 0

  /** Appends events to the log, each queued (as the change writer does). */
  append(...events: AuditEvent[]): void {
    for (const event of events) this.log.set(event.eventId, { event: copy(event), queued: true })
  }

  /** The refs still queued. */
  queued(): string[] {
    return [...this.log].filter(([, entry]) => entry.queued).map(([ref]) => ref)
  }

  async unfolded(page: { limit: number; after?: string }) {
    const listed = [...this.log]
      .filter(
        ([ref, entry]) => (entry.queued || this.stale) && (page.after === undefined || ref > page.after),
      )
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .slice(0, page.limit)
    const events: QueuedEvent[] = listed.map(([ref, entry]) => ({ event: copy(entry.event), ref }))
    const last = listed.at(-1)?.[0]
    return { events, ...(listed.length === page.limit && last !== undefined ? { next: last } : {}) }
  }

  async fold(events: readonly QueuedEvent[], tallies: readonly Tally[]): Promise<FoldOutcome> {
    this.folds.push({ refs: events.map((queued) => queued.ref), tallies: copy([...tallies]) })
    const keys = tallies.map((tally) => `${tally.kind}|${tally.day}|${tally.group}`)
    if (new Set(keys).size !== keys.length) throw new Error('two updates of one bucket in one transaction')
    if (keys.length + events.length > maxItemsPerWrite) throw new Error('too many items in one transaction')
    const gone = events
      .filter((queued) => this.log.get(queued.ref)?.queued !== true)
      .map((queued) => queued.ref)
    if (gone.length > 0) return { outcome: 'already-folded', refs: gone }
    if (this.contentions > 0) {
      this.contentions--
      return { outcome: 'contended' }
    }
    tallies.forEach((tally, index) => {
      const key = keys[index] ?? ''
      this.stored.set(key, addCounts(this.stored.get(key) ?? noCounts(), tally.counts))
    })
    for (const queued of events) {
      const entry = this.log.get(queued.ref)
      if (entry !== undefined) entry.queued = false
    }
    return { outcome: 'written' }
  }

  /** One bucket's counts (zeros if never written). */
  bucket(kind: BucketKind, day: string, group: string): Counts {
    return copy(this.stored.get(`${kind}|${day}|${group}`) ?? noCounts())
  }

  /** Puts counts into a bucket directly, as earlier folds would have. */
  seed(kind: BucketKind, day: string, group: string, counts: Partial<Counts>): void {
    this.stored.set(`${kind}|${day}|${group}`, { ...noCounts(), ...copy(counts) })
  }

  async buckets(kind: BucketKind, days: readonly string[], selection: BucketSelection): Promise<Bucket[]> {
    const wanted = new Set(days)
    return [...this.stored].flatMap(([key, counts]) => {
      const [bucketKind, day = '', group = ''] = key.split('|')
      if (bucketKind !== kind || !wanted.has(day)) return []
      if ('group' in selection && group !== selection.group) return []
      if ('prefix' in selection && !group.startsWith(selection.prefix)) return []
      return [{ group, counts: copy(counts) }]
    })
  }

  /** A case's events in log order. */
  async events(caseId: string): Promise<AuditEvent[]> {
    return [...this.log.values()]
      .map((entry) => entry.event)
      .filter((event) => event.caseId === caseId)
      .sort((a, b) => (a.eventId < b.eventId ? -1 : 1))
      .map(copy)
  }
}

/** Weekdays only: working days in these tests are Monday to Friday. */
export const weekdays: CalendarDeps = {
  records: new InMemoryStores(),
  builtIn: {
    calendar: (year: number): Calendar => ({
      year,
      holidays: [],
      workdays: [],
      source: 'weekdays only',
      provisional: false,
    }),
  },
}

/** An audit event as the log holds it; hashes are placeholders (the statistics never read them). */
export const auditEvent = (
  eventId: string,
  fields: Partial<Omit<AuditEvent, 'eventId'>> & Pick<AuditEvent, 'action' | 'at'>,
): AuditEvent => ({
  eventId,
  actor: { participant: 'someone', sub: 'test' },
  details: {},
  hash: 'a'.repeat(64),
  prevHash: '0'.repeat(64),
  ...fields,
})
