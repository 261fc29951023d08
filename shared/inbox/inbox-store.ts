import type { MessageRecord } from './inbox-message.js'

/** Where a message sits in its recipient's inbox: its case, and its place in that case's order. */
export type MessagePosition = { caseId: string; seq: number }

/**
 * The per-case order of one recipient's inbox: the seq the next message gets, and how many
 * messages of the case wait unacked. Every enqueue and ack of the case checks and moves it, so
 * they serialise. Enqueues append at `nextSeq` and acks remove only the oldest message (the only
 * one ever pullable), so the waiting messages are exactly seqs `nextSeq - pending` to `nextSeq - 1`.
 */
export type InboxOrder = { nextSeq: number; pending: number }

/** A message the pullable index lists as visible, with the `visibleAt` it was listed under. */
export type PullCandidate = MessagePosition & { visibleAt: number }

/** A message as stored: its record, how often it was handed out, and the token of its latest lease. */
export type StoredMessage = MessagePosition & {
  record: MessageRecord
  deliveryCount: number
  lease: string | undefined
}

/** A case's part of a recipient's inbox: its order, and its oldest message, the only one ever leased. */
export type CaseQueue = { order: InboxOrder; oldest: StoredMessage | undefined }

/** Reads a recipient's per-case order, strongly consistently; what enqueuing needs. */
export interface InboxOrders {
  order(recipient: string, caseId: string): Promise<InboxOrder | undefined>
}

/** Lists, leases and reads messages; every call reads a bounded number of items, never a scan. */
export interface InboxStore extends InboxOrders {
  /**
   * Up to `limit` messages of `recipient` visible at `now` (epoch ms), longest visible first,
   * continuing after `after` (the last candidate of an earlier page). May be slightly stale.
   */
  pullable(recipient: string, now: number, limit: number, after?: PullCandidate): Promise<PullCandidate[]>
  /**
   * Leases a candidate if it is still visible as listed: hidden until `until` (epoch ms), acked
   * only with `token`, delivered once more. Undefined when another puller or an ack got there first.
   */
  lease(
    recipient: string,
    candidate: PullCandidate,
    lease: { token: string; until: number },
  ): Promise<StoredMessage | undefined>
  /** A case's order and its oldest message, read together, strongly consistent. */
  caseQueue(recipient: string, caseId: string): Promise<CaseQueue | undefined>
}
