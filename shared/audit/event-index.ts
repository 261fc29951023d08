import type { AuditEvent } from './audit-event.js'
import { eventOrderKey } from './audit-export.js'

/** An event with where its chain keeps it: the chain and its place in it (1, 2, …). */
export type StoredEvent = { event: AuditEvent; chain: string; seq: number }

/**
 * Where a page stopped inside one partition: the last item read. Chain partitions order by `seq`,
 * the indexes by `atKey` (`<at>#<eventId>`), with chain and seq as the item's own key.
 */
export type EventPosition = { chain: string; seq: number; atKey?: string | undefined }

/**
 * One partition the log is read from, each kept for one kind of query: a chain (a case's events,
 * in chain order), or the by-actor, by-action and by-day indexes (in time order).
 */
export type EventPartition =
  | { index: 'chain'; chain: string }
  | { index: 'actor' | 'action' | 'day'; key: string }

/** What a page keeps of what it reads; `from` and `to` are UTC ISO instants bounding `at` to `[from, to)`. */
export type EventFilter = { actor?: string; action?: string; from?: string; to?: string }

/** What one read of a partition found, and where to go on (absent: the partition is exhausted). */
export type EventPage = { events: StoredEvent[]; next?: EventPosition }

/** Reads the audit log by key and index: never by scanning. */
export interface AuditEventIndex {
  /**
   * Reads up to `limit` items of a partition in its order, after `after`; items the filter
   * refuses are read (and count towards `limit`) but not returned.
   */
  page(
    partition: EventPartition,
    filter: EventFilter,
    options: { after?: EventPosition | undefined; limit: number },
  ): Promise<EventPage>
  /** Events by their place in their chain, read strongly consistently; ones that do not exist are left out. */
  load(keys: readonly { chain: string; seq: number }[]): Promise<StoredEvent[]>
}

/** The position of a stored event in the partition it was read from. */
export const positionOf = (stored: StoredEvent, partition: EventPartition): EventPosition =>
  partition.index === 'chain'
    ? { chain: stored.chain, seq: stored.seq }
    : { chain: stored.chain, seq: stored.seq, atKey: eventOrderKey(stored.event) }
