import type { AuditEvent, ChainHead } from '../audit/audit-event.js'
import type { MessageRecord } from '../inbox/inbox-message.js'
import type { InboxOrder } from '../inbox/inbox-store.js'

/** The kinds of versioned records the exchange keeps. */
export type Collection = 'participant' | 'item' | 'agreement' | 'calendar'

/**
 * Sets of unique names: key ids (each owned by one participant), and per participant the
 * agreements it is party to (so a submission finds its agreements without reading them all).
 */
export type Namespace = 'kid' | `agreements-of#${string}`

/** A record as stored: its value and the version every write of it checks. */
export type Stored<T> = { value: T; version: number }

/**
 * One part of an atomic state change. A use case builds the whole list (the change, its audit
 * events, its messages) and one adapter call writes all of it or nothing.
 */
export type Change =
  /** Writes a record if its stored version is still `expectedVersion` (`0`: it must not exist yet). */
  | {
      kind: 'put-record'
      collection: Collection
      id: string
      value: object
      version: number
      expectedVersion: number
    }
  /** Takes a unique name (a key id) for `owner`; fails if someone else holds it. */
  | { kind: 'claim'; namespace: Namespace; name: string; owner: string }
  /** Gives a unique name back; fails if `owner` does not hold it. */
  | { kind: 'release'; namespace: Namespace; name: string; owner: string }
  /** Appends an event to its chain if the chain's head is still at `previousSeq`. */
  | { kind: 'append-event'; event: AuditEvent; head: ChainHead; previousSeq: number }
  /** Creates a case; fails if it exists. Indexed under its accepting participant. */
  | { kind: 'put-case'; caseId: string; accepting: string; createdAt: string; value: object }
  /**
   * Writes one home's leg if its stored version is still `expectedVersion` (`0`: new). Indexed
   * under the home, and by `deadline` while its clock runs so the supervision sweep finds it.
   */
  | {
      kind: 'put-leg'
      caseId: string
      home: string
      createdAt: string
      value: object
      version: number
      expectedVersion: number
      deadline: string | undefined
      /** Once flagged overdue and until decided or withdrawn: its deadline, for the supervisors' list. */
      overdue?: string
    }
  /** Binds a participant's own case reference to a case, once: the idempotency key of a submission. */
  | {
      kind: 'claim-reference'
      participant: string
      acceptingRef: string
      caseId: string
      fingerprint: string
    }
  /** Records an upload slot handed to `owner`; expires with its staging object. */
  | { kind: 'put-upload'; documentId: string; owner: string; expiresAt: string; value: object }
  /** Records a sealed package of a case, once. */
  | { kind: 'put-package'; caseId: string; packageId: string; value: object }
  /**
   * Puts a message into `recipient`'s inbox behind the earlier ones of its case, if the case's
   * order is still `order` as read (`undefined`: nothing was ever sent). The writer numbers the
   * messages of one recipient and case in list order, makes the first pullable from `visibleAt`
   * only if nothing of the case was pending, and moves the order once per commit.
   */
  | {
      kind: 'enqueue-message'
      recipient: string
      message: MessageRecord
      visibleAt: number
      order: InboxOrder | undefined
    }
  /** Removes an inbox message if its latest lease is still `lease`. */
  | { kind: 'ack-message'; recipient: string; caseId: string; seq: number; lease: string }
  /** Sets a case's inbox order to `order` if it is still `expected`. */
  | { kind: 'put-inbox-order'; recipient: string; caseId: string; order: InboxOrder; expected: InboxOrder }
  /** Makes a waiting inbox message pullable from `visibleAt` (epoch ms) on. */
  | { kind: 'reveal-message'; recipient: string; caseId: string; seq: number; visibleAt: number }

/**
 * Nothing of the list was written: a condition of `change` did not hold, or (contention) another
 * transaction was writing the same item at the same moment and a retry may well succeed.
 */
export class WriteConflict extends Error {
  readonly change: Change
  readonly reason: 'condition' | 'contention'
  constructor(change: Change, reason: 'condition' | 'contention') {
    super(`write ${reason} on ${change.kind}`)
    this.name = 'WriteConflict'
    this.change = change
    this.reason = reason
  }
}

/** Writes a list of changes atomically, or throws `WriteConflict` naming the change that failed. */
export interface ChangeWriter {
  commit(changes: readonly Change[]): Promise<void>
}

/** One page of a collection, in id order. */
export type Page<T> = { values: T[]; next: string | undefined }

/** Reads versioned records; reads are strongly consistent so a check sees the latest write. */
export interface RecordReader {
  get<T>(collection: Collection, id: string): Promise<Stored<T> | undefined>
  list<T>(collection: Collection, page: { limit: number; after: string | undefined }): Promise<Page<T>>
  /** The names claimed in a namespace, in order (bounded: a namespace is a small set). */
  names(namespace: Namespace): Promise<string[]>
}

/** Reads the current head of an audit chain. */
export interface ChainReader {
  head(chain: string): Promise<ChainHead | undefined>
}
