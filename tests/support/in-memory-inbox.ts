import { placeMessages } from '#shared/inbox/enqueue.js'
import type { MessageRecord } from '#shared/inbox/inbox-message.js'
import type {
  CaseQueue,
  InboxOrder,
  InboxStore,
  PullCandidate,
  StoredMessage,
} from '#shared/inbox/inbox-store.js'
import { type Change, type ChangeWriter, WriteConflict } from '#shared/store/changes.js'
import { fixedClock, InMemoryStores, sequentialIds } from './in-memory-stores.js'

/** A message as the inbox table holds it; `visibleAt` set means it is in the pullable index. */
export type MessageItem = {
  recipient: string
  caseId: string
  seq: number
  record: MessageRecord
  deliveryCount: number
  lease: string | undefined
  visibleAt: number | undefined
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

const messageKey = (recipient: string, caseId: string, seq: number) =>
  `${recipient}|${caseId}|${String(seq).padStart(12, '0')}`
const orderKey = (recipient: string, caseId: string) => `${recipient}|${caseId}`

const sameOrder = (a: InboxOrder | undefined, b: InboxOrder | undefined) =>
  a?.nextSeq === b?.nextSeq && a?.pending === b?.pending

const stored = (item: MessageItem): StoredMessage => ({
  caseId: item.caseId,
  seq: item.seq,
  record: copy(item.record),
  deliveryCount: item.deliveryCount,
  lease: item.lease,
})

/**
 * The inbox table in memory, with the semantics of `dynamodb-inbox-store.ts` and the inbox part of
 * `dynamodb-change-writer.ts`: conditional leases, one order move per case per commit, every
 * condition checked before anything is written. Other changes go to `stores` in the same commit.
 */
export class InMemoryInbox implements InboxStore, ChangeWriter {
  readonly messages = new Map<string, MessageItem>()
  readonly orders = new Map<string, InboxOrder>()
  /** How many index entries `pullable` has returned so far: what pulls cost. */
  indexEntriesRead = 0

  constructor(readonly stores: InMemoryStores = new InMemoryStores()) {}

  /** The messages of one recipient in key order, as stored. */
  of(recipient: string): MessageItem[] {
    return [...this.messages.entries()]
      .filter(([, item]) => item.recipient === recipient)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, item]) => copy(item))
  }

  async order(recipient: string, caseId: string): Promise<InboxOrder | undefined> {
    const order = this.orders.get(orderKey(recipient, caseId))
    return order === undefined ? undefined : { ...order }
  }

  async pullable(
    recipient: string,
    now: number,
    limit: number,
    after?: PullCandidate,
  ): Promise<PullCandidate[]> {
    const position = (item: { visibleAt: number; caseId: string; seq: number }) =>
      `${String(item.visibleAt).padStart(16, '0')}|${messageKey(recipient, item.caseId, item.seq)}`
    const listed = [...this.messages.values()]
      .flatMap((item) =>
        item.recipient === recipient && item.visibleAt !== undefined && item.visibleAt <= now
          ? [{ caseId: item.caseId, seq: item.seq, visibleAt: item.visibleAt }]
          : [],
      )
      .sort((a, b) => position(a).localeCompare(position(b)))
      .filter((candidate) => after === undefined || position(candidate) > position(after))
      .slice(0, limit)
    this.indexEntriesRead += listed.length
    return listed
  }

  async lease(
    recipient: string,
    candidate: PullCandidate,
    lease: { token: string; until: number },
  ): Promise<StoredMessage | undefined> {
    const item = this.messages.get(messageKey(recipient, candidate.caseId, candidate.seq))
    if (item === undefined || item.visibleAt !== candidate.visibleAt) return undefined
    item.visibleAt = lease.until
    item.lease = lease.token
    item.deliveryCount += 1
    return stored(item)
  }

  async caseQueue(recipient: string, caseId: string): Promise<CaseQueue | undefined> {
    const order = this.orders.get(orderKey(recipient, caseId))
    if (order === undefined) return undefined
    const [oldest] = [...this.messages.values()]
      .filter((item) => item.recipient === recipient && item.caseId === caseId)
      .sort((a, b) => a.seq - b.seq)
    return { order: { ...order }, oldest: oldest === undefined ? undefined : stored(oldest) }
  }

  async commit(changes: readonly Change[]): Promise<void> {
    const checks = this.checks(changes)
    const touched = new Set<string>()
    for (const { item } of checks) {
      if (touched.has(item)) throw new Error(`two operations on ${item} in one transaction`)
      touched.add(item)
    }
    const failed = checks.find(({ holds }) => !holds)
    if (failed !== undefined) throw new WriteConflict(failed.change, 'condition')
    await this.stores.commit(changes.filter((change) => !inboxKinds.has(change.kind)))
    for (const { apply } of checks) apply()
  }

  private checks(changes: readonly Change[]) {
    const { placements, moves } = placeMessages(changes)
    const items: { change: Change; item: string; holds: boolean; apply: () => void }[] = []
    for (const change of changes) {
      switch (change.kind) {
        case 'enqueue-message': {
          const { seq, visible } = placements.get(change) ?? { seq: 0, visible: false }
          const key = messageKey(change.recipient, change.message.caseId, seq)
          items.push({
            change,
            item: key,
            holds: !this.messages.has(key),
            apply: () =>
              this.messages.set(key, {
                recipient: change.recipient,
                caseId: change.message.caseId,
                seq,
                record: copy(change.message),
                deliveryCount: 0,
                lease: undefined,
                visibleAt: visible ? change.visibleAt : undefined,
              }),
          })
          break
        }
        case 'ack-message': {
          const key = messageKey(change.recipient, change.caseId, change.seq)
          items.push({
            change,
            item: key,
            holds: this.messages.get(key)?.lease === change.lease,
            apply: () => this.messages.delete(key),
          })
          break
        }
        case 'put-inbox-order': {
          const key = orderKey(change.recipient, change.caseId)
          items.push({
            change,
            item: `order|${key}`,
            holds: sameOrder(this.orders.get(key), change.expected),
            apply: () => this.orders.set(key, { ...change.order }),
          })
          break
        }
        case 'reveal-message': {
          const key = messageKey(change.recipient, change.caseId, change.seq)
          items.push({
            change,
            item: key,
            holds: this.messages.has(key),
            apply: () => {
              const item = this.messages.get(key)
              if (item !== undefined) item.visibleAt = change.visibleAt
            },
          })
          break
        }
      }
    }
    for (const { recipient, caseId, from, to, change } of moves) {
      const key = orderKey(recipient, caseId)
      items.push({
        change,
        item: `order|${key}`,
        holds: sameOrder(this.orders.get(key), from),
        apply: () => this.orders.set(key, { ...to }),
      })
    }
    return items
  }
}

const inboxKinds = new Set<Change['kind']>([
  'enqueue-message',
  'ack-message',
  'put-inbox-order',
  'reveal-message',
])

/** Lease tokens in sequence, in the alphabet and length real ones have. */
export const sequentialTokens = () => {
  let next = 0
  return () => `lease-token-${String(++next).padStart(6, '0')}`
}

/** Everything enqueue, pull and ack need, over one in-memory inbox and audit store. */
export const inboxDeps = (now = '2026-11-21T01:30:00.000Z') => {
  const stores = new InMemoryStores()
  const inbox = new InMemoryInbox(stores)
  return {
    inbox,
    stores,
    writer: inbox,
    chains: stores,
    clock: fixedClock(now),
    newEventId: sequentialIds('event'),
    newMessageId: sequentialIds('message'),
    newLeaseToken: sequentialTokens(),
    /** Leaves candidates in index order (Fisher-Yates swaps each with itself). */
    random: () => 0.999_999,
  }
}
