import type { AuditEvent } from '../audit/audit-event.js'
import type { Counts } from './counts.js'

/**
 * The kinds of daily buckets. The first four are the groupings of `GET /v1/stats`, each bucket
 * keyed by its group (`pair` by `<accepting>#<home>`); the last two exist so that a participant's
 * own statistics are read by key prefix: `pair-by-home` mirrors `pair` as `<home>#<accepting>`,
 * and `party-item` counts each party's legs by item as `<participant>#<itemCode>`.
 */
export const bucketKinds = ['home', 'accepting', 'item', 'pair', 'pair-by-home', 'party-item'] as const
export type BucketKind = (typeof bucketKinds)[number]

/** Separates the parts of a composite group key; neither participant ids nor item codes hold it. */
export const groupSeparator = '#'

/** What one event adds to one bucket: the group's counts on one Beijing day. */
export type Tally = { kind: BucketKind; day: string; group: string; counts: Counts }

/** One group's counts on one day, as stored. */
export type Bucket = { group: string; counts: Counts }

/** An event waiting to be counted, and where the store keeps it (opaque to the use case). */
export type QueuedEvent = { event: AuditEvent; ref: string }

/** What a fold write did: all of it, nothing because some events were counted already, or nothing because of contention. */
export type FoldOutcome =
  | { outcome: 'written' }
  | { outcome: 'already-folded'; refs: string[] }
  | { outcome: 'contended' }

/** The queue of events the statistics have not counted yet, and the buckets they are counted into. */
export interface StatisticsLedger {
  /** The oldest queued events first (the sparse `unfolded` index); may lag, and name events just folded. */
  unfolded(page: { limit: number; after?: string }): Promise<{ events: QueuedEvent[]; next?: string }>
  /**
   * Adds every tally to its bucket and takes every event off the queue, all or nothing, only if
   * each event is still queued: so an event is counted once however many runs fold it.
   */
  fold(events: readonly QueuedEvent[], tallies: readonly Tally[]): Promise<FoldOutcome>
}

/** Which buckets of a kind and day to read: all, one group, or the groups starting with a prefix. */
export type BucketSelection = { all: true } | { group: string } | { prefix: string }

/** Reads the buckets the statistics are answered from. */
export interface StatisticsReader {
  /** The selected buckets of `kind` on each of `days` (one entry per bucket and day, in no order). */
  buckets(kind: BucketKind, days: readonly string[], selection: BucketSelection): Promise<Bucket[]>
}

/** The audit events of one case, in chain order: what a leg's history is read from. */
export interface CaseHistory {
  events(caseId: string): Promise<AuditEvent[]>
}
