import {
  type AttributeValue,
  type DynamoDBClient,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import type { AuditEvent, ChainHead } from '#shared/audit/audit-event.js'
import { type Placement, placeMessages } from '#shared/inbox/enqueue.js'
import type { InboxOrder } from '#shared/inbox/inbox-store.js'
import { type Change, type ChangeWriter, WriteConflict } from '#shared/store/changes.js'
import { deadlineShard, keys, overdueShard, partyKey, unfoldedQueue } from './dynamodb-keys.js'

export type ChangeTables = { state: string; audit: string; inbox: string }

type Item = Record<string, AttributeValue>

const mustNotExist = { ConditionExpression: 'attribute_not_exists(pk)' }

const versionIs = (expected: number) =>
  expected === 0
    ? mustNotExist
    : {
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': { N: String(expected) } },
      }

const ownerIs = (owner: string) => ({
  ExpressionAttributeNames: { '#owner': 'owner' },
  ExpressionAttributeValues: { ':owner': { S: owner } },
})

const doc = (value: object) => ({ doc: { S: JSON.stringify(value) } })

/** A case's inbox order is still as read (`undefined`: it must not exist yet). */
const orderIs = (expected: InboxOrder | undefined) =>
  expected === undefined
    ? mustNotExist
    : {
        ConditionExpression: '#nextSeq = :nextSeq AND #pending = :pending',
        ExpressionAttributeNames: { '#nextSeq': 'nextSeq', '#pending': 'pending' },
        ExpressionAttributeValues: {
          ':nextSeq': { N: String(expected.nextSeq) },
          ':pending': { N: String(expected.pending) },
        },
      }

const orderItem = (order: InboxOrder) => ({
  nextSeq: { N: String(order.nextSeq) },
  pending: { N: String(order.pending) },
})

/**
 * The attributes that put an event into the audit table's indexes: by id (proofs), by actor, by
 * action and by day (queries), and the two sparse queues of events the checkpointer and the
 * statistics have not taken in yet.
 */
const eventIndexes = (event: AuditEvent): Item => {
  const at = `${event.at}#${event.eventId}`
  return {
    eventId: { S: event.eventId },
    actorKey: { S: event.actor.participant },
    actionKey: { S: event.action },
    dayKey: { S: event.at.slice(0, 10) },
    atKey: { S: at },
    unsealed: { S: 'leaf' },
    unfolded: { S: unfoldedQueue },
  }
}

/** The transaction item of one change (chain heads are added once per chain, after all changes). */
const itemOf = (
  tables: ChangeTables,
  change: Change,
  placementOf: (change: Change) => Placement,
): TransactWriteItem => {
  const put = (TableName: string, Item: Item, condition: object): TransactWriteItem => ({
    Put: { TableName, Item, ...condition },
  })
  switch (change.kind) {
    case 'put-record':
      return put(
        tables.state,
        {
          ...keys.record(change.collection, change.id),
          version: { N: String(change.version) },
          ...doc(change.value),
        },
        versionIs(change.expectedVersion),
      )
    case 'claim':
      return put(
        tables.state,
        { ...keys.claim(change.namespace, change.name), owner: { S: change.owner } },
        { ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner', ...ownerIs(change.owner) },
      )
    case 'release':
      return {
        Delete: {
          TableName: tables.state,
          Key: keys.claim(change.namespace, change.name),
          ConditionExpression: '#owner = :owner',
          ...ownerIs(change.owner),
        },
      }
    case 'append-event':
      return put(
        tables.audit,
        {
          ...keys.event(change.head.chain, change.head.seq),
          ...eventIndexes(change.event),
          ...doc(change.event),
        },
        mustNotExist,
      )
    case 'put-case':
      return put(
        tables.state,
        {
          ...keys.case(change.caseId),
          party: { S: partyKey('accepting', change.accepting) },
          partySort: { S: `${change.createdAt}#${change.caseId}` },
          ...doc(change.value),
        },
        mustNotExist,
      )
    case 'put-leg':
      return put(
        tables.state,
        {
          ...keys.leg(change.caseId, change.home),
          version: { N: String(change.version) },
          party: { S: partyKey('home', change.home) },
          partySort: { S: `${change.createdAt}#${change.caseId}` },
          ...(change.deadline !== undefined
            ? {
                deadlineShard: { S: deadlineShard },
                deadlineSort: { S: `${change.deadline}#${change.caseId}#${change.home}` },
              }
            : change.overdue !== undefined
              ? {
                  deadlineShard: { S: overdueShard },
                  deadlineSort: { S: `${change.overdue}#${change.caseId}#${change.home}` },
                }
              : {}),
          ...doc(change.value),
        },
        versionIs(change.expectedVersion),
      )
    case 'claim-reference':
      return put(
        tables.state,
        {
          ...keys.reference(change.participant, change.acceptingRef),
          caseId: { S: change.caseId },
          fingerprint: { S: change.fingerprint },
        },
        mustNotExist,
      )
    case 'put-upload':
      return put(
        tables.state,
        {
          ...keys.upload(change.documentId),
          owner: { S: change.owner },
          expiresAt: { N: String(Math.ceil(Date.parse(change.expiresAt) / 1000)) },
          ...doc(change.value),
        },
        mustNotExist,
      )
    case 'put-package':
      return put(
        tables.state,
        { ...keys.package(change.caseId, change.packageId), ...doc(change.value) },
        mustNotExist,
      )
    case 'enqueue-message': {
      const { seq, visible } = placementOf(change)
      return put(
        tables.inbox,
        {
          ...keys.inboxMessage(change.recipient, change.message.caseId, seq),
          deliveryCount: { N: '0' },
          // In the pullable index only while it is its case's oldest unacked message.
          ...(visible ? { queue: { S: change.recipient }, visibleAt: { N: String(change.visibleAt) } } : {}),
          ...doc(change.message),
        },
        mustNotExist,
      )
    }
    case 'ack-message':
      return {
        Delete: {
          TableName: tables.inbox,
          Key: keys.inboxMessage(change.recipient, change.caseId, change.seq),
          ConditionExpression: '#lease = :lease',
          ExpressionAttributeNames: { '#lease': 'lease' },
          ExpressionAttributeValues: { ':lease': { S: change.lease } },
        },
      }
    case 'put-inbox-order':
      return put(
        tables.inbox,
        { ...keys.inboxOrder(change.recipient, change.caseId), ...orderItem(change.order) },
        orderIs(change.expected),
      )
    case 'reveal-message':
      return {
        Update: {
          TableName: tables.inbox,
          Key: keys.inboxMessage(change.recipient, change.caseId, change.seq),
          UpdateExpression: 'SET #queue = :recipient, #visibleAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#queue': 'queue', '#visibleAt': 'visibleAt' },
          ExpressionAttributeValues: {
            ':recipient': { S: change.recipient },
            ':at': { N: String(change.visibleAt) },
          },
        },
      }
  }
}

/** One transaction item per change, plus one head update per chain and one order move per inbox case touched. */
const toTransaction = (tables: ChangeTables, changes: readonly Change[]) => {
  const { placements, moves } = placeMessages(changes)
  const placementOf = (change: Change) => {
    const placement = placements.get(change)
    if (placement === undefined) throw new Error(`no inbox placement for ${change.kind}`)
    return placement
  }
  const items = changes.map((change) => ({ change, item: itemOf(tables, change, placementOf) }))
  const heads = new Map<string, { first: number; last: ChainHead; change: Change }>()
  for (const change of changes) {
    if (change.kind !== 'append-event') continue
    const seen = heads.get(change.head.chain)
    heads.set(change.head.chain, { first: seen?.first ?? change.previousSeq, last: change.head, change })
  }
  // DynamoDB allows one operation per item in a transaction: a chain's head moves once, from the
  // seq its first event linked to, to the last event's.
  for (const { first, last, change } of heads.values()) {
    items.push({
      change,
      item: {
        Put: {
          TableName: tables.audit,
          Item: { ...keys.chainHead(last.chain), seq: { N: String(last.seq) }, hash: { S: last.hash } },
          ...(first === 0
            ? mustNotExist
            : {
                ConditionExpression: 'seq = :previous',
                ExpressionAttributeValues: { ':previous': { N: String(first) } },
              }),
        },
      },
    })
  }
  // Likewise a case's inbox order moves once, from the order the first message read.
  for (const { recipient, caseId, from, to, change } of moves) {
    items.push({
      change,
      item: {
        Put: {
          TableName: tables.inbox,
          Item: { ...keys.inboxOrder(recipient, caseId), ...orderItem(to) },
          ...orderIs(from),
        },
      },
    })
  }
  return items
}

/** Writes a list of changes as one DynamoDB transaction, naming the change whose condition failed. */
export const dynamodbChangeWriter = (client: DynamoDBClient, tables: ChangeTables): ChangeWriter => ({
  async commit(changes) {
    const items = toTransaction(tables, changes)
    try {
      await client.send(new TransactWriteItemsCommand({ TransactItems: items.map(({ item }) => item) }))
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error
      const reasons = error.CancellationReasons ?? []
      const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed')
      const contended = reasons.findIndex((reason) => reason.Code === 'TransactionConflict')
      const index = failed >= 0 ? failed : contended
      const culprit = items[index]
      if (culprit === undefined) throw error
      throw new WriteConflict(culprit.change, failed >= 0 ? 'condition' : 'contention')
    }
  },
})
