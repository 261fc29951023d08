import type { Change } from '../store/changes.js'
import { InboxMessage, type NewMessage } from './inbox-message.js'
import type { InboxOrder, InboxOrders } from './inbox-store.js'

/** What enqueuing needs: the per-case orders as they stand, a clock and message ids. */
export type EnqueueDeps = { inbox: InboxOrders; clock: () => Date; newMessageId: () => string }

const MessageRecord = InboxMessage.omit({ lease: true, deliveryCount: true })

const orderKey = (recipient: string, caseId: string) => JSON.stringify([recipient, caseId])

/**
 * The changes that send `messages`, to be committed with the state change they announce (inside
 * a `commitAudited` build step, so a lost race on a case's order rebuilds from fresh reads).
 * Reads each recipient's order of each case once; messages keep their list order within a case.
 */
export const enqueue = async (deps: EnqueueDeps, messages: readonly NewMessage[]): Promise<Change[]> => {
  const now = deps.clock()
  const orders = new Map<string, Promise<InboxOrder | undefined>>()
  const orderOf = (recipient: string, caseId: string) => {
    const key = orderKey(recipient, caseId)
    const order = orders.get(key) ?? deps.inbox.order(recipient, caseId)
    orders.set(key, order)
    return order
  }
  return Promise.all(
    messages.map(async ({ recipient, ...fields }): Promise<Change> => {
      // A malformed message is the calling use case's bug; refusing it here keeps every pull valid.
      const message = MessageRecord.parse({
        messageId: deps.newMessageId(),
        ...fields,
        createdAt: now.toISOString(),
      })
      return {
        kind: 'enqueue-message',
        recipient,
        message,
        visibleAt: now.getTime(),
        order: await orderOf(recipient, message.caseId),
      }
    }),
  )
}

/** Where one enqueued message lands: its seq in its case, and whether it is pullable at once. */
export type Placement = { seq: number; visible: boolean }

/** The one move of a recipient's case order in a commit, checked against the order as first read. */
export type OrderMove = {
  recipient: string
  caseId: string
  from: InboxOrder | undefined
  to: InboxOrder
  /** The last enqueue of this order in the commit, to name when the move's condition fails. */
  change: Change
}

/**
 * How a commit's enqueued messages land, for the writers: per recipient and case, in list order,
 * seqs follow the order's `nextSeq`; only a message that finds nothing pending is pullable (the
 * others wait for the ack of the one before); and the order moves once, since a transaction may
 * touch an item only once.
 */
export const placeMessages = (changes: readonly Change[]) => {
  const placements = new Map<Change, Placement>()
  const moves = new Map<string, OrderMove>()
  for (const change of changes) {
    if (change.kind !== 'enqueue-message') continue
    const { recipient } = change
    const { caseId } = change.message
    const key = orderKey(recipient, caseId)
    const earlier = moves.get(key)
    const from = earlier === undefined ? change.order : earlier.from
    const at = earlier?.to ?? from ?? { nextSeq: 1, pending: 0 }
    placements.set(change, { seq: at.nextSeq, visible: at.pending === 0 })
    moves.set(key, {
      recipient,
      caseId,
      from,
      to: { nextSeq: at.nextSeq + 1, pending: at.pending + 1 },
      change,
    })
  }
  return { placements, moves: [...moves.values()] }
}
