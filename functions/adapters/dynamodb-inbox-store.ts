import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import type { MessageRecord } from '#shared/inbox/inbox-message.js'
import type { InboxStore, PullCandidate, StoredMessage } from '#shared/inbox/inbox-store.js'
import { maxSeq } from '#shared/inbox/lease.js'
import { tables } from '../storage-layout.js'
import { inboxCaseSort, inboxMessageSort, inboxPosition, keys } from './dynamodb-keys.js'

type Item = Record<string, AttributeValue>

const [pullableIndex] = tables.inbox.indexes

const storedMessage = (item: Item | undefined): StoredMessage | undefined => {
  if (item?.sk?.S === undefined || item.doc?.S === undefined) return undefined
  return {
    ...inboxPosition(item.sk.S),
    record: JSON.parse(item.doc.S) as MessageRecord,
    deliveryCount: Number(item.deliveryCount?.N ?? 0),
    lease: item.lease?.S,
  }
}

/**
 * The inbox table: under `pk = <recipient>`, an order item per case at `sk = case#<caseId>` and the
 * case's messages right after it at `sk = case#<caseId>#<seq>`; a message carries `queue` and `visibleAt` (and so sits in the
 * sparse `pullable` index) only while it is its case's oldest unacked one. Every read is a GetItem
 * or a Query with a Limit: no request path scans, and none counts.
 */
export const dynamodbInboxStore = (client: DynamoDBClient, tableName: string): InboxStore => ({
  async order(recipient, caseId) {
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: keys.inboxOrder(recipient, caseId),
        ConsistentRead: true,
      }),
    )
    if (Item?.nextSeq?.N === undefined || Item.pending?.N === undefined) return undefined
    return { nextSeq: Number(Item.nextSeq.N), pending: Number(Item.pending.N) }
  },

  async pullable(recipient, now, limit, after) {
    const candidates: PullCandidate[] = []
    let start: Item | undefined =
      after === undefined
        ? undefined
        : {
            ...keys.inboxMessage(recipient, after.caseId, after.seq),
            queue: { S: recipient },
            visibleAt: { N: String(after.visibleAt) },
          }
    // A page stops at 1 MB of items read as well as at Limit; go on until `limit` or the end.
    do {
      const page: QueryCommandOutput = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: pullableIndex.name,
          KeyConditionExpression: '#queue = :recipient AND #visibleAt <= :now',
          ExpressionAttributeNames: { '#queue': 'queue', '#visibleAt': 'visibleAt', '#sk': 'sk' },
          ExpressionAttributeValues: { ':recipient': { S: recipient }, ':now': { N: String(now) } },
          ProjectionExpression: '#sk, #visibleAt',
          Limit: limit - candidates.length,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      )
      for (const item of page.Items ?? []) {
        if (item.sk?.S === undefined || item.visibleAt?.N === undefined) continue
        candidates.push({ ...inboxPosition(item.sk.S), visibleAt: Number(item.visibleAt.N) })
      }
      start = page.LastEvaluatedKey
    } while (start !== undefined && candidates.length < limit)
    return candidates
  },

  async lease(recipient, candidate, { token, until }) {
    try {
      const { Attributes } = await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: keys.inboxMessage(recipient, candidate.caseId, candidate.seq),
          // The exact visibleAt the index listed: a lease or ack since then moved or removed it.
          ConditionExpression: '#visibleAt = :seen',
          UpdateExpression: 'SET #visibleAt = :until, #lease = :token ADD #deliveryCount :one',
          ExpressionAttributeNames: {
            '#visibleAt': 'visibleAt',
            '#lease': 'lease',
            '#deliveryCount': 'deliveryCount',
          },
          ExpressionAttributeValues: {
            ':seen': { N: String(candidate.visibleAt) },
            ':until': { N: String(until) },
            ':token': { S: token },
            ':one': { N: '1' },
          },
          ReturnValues: 'ALL_NEW',
        }),
      )
      return storedMessage(Attributes)
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined
      throw error
    }
  },

  async caseQueue(recipient, caseId) {
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :recipient AND sk BETWEEN :order AND :last',
        ExpressionAttributeValues: {
          ':recipient': { S: recipient },
          ':order': { S: inboxCaseSort(caseId) },
          ':last': { S: inboxMessageSort(caseId, maxSeq) },
        },
        ConsistentRead: true,
        Limit: 2,
      }),
    )
    const [order, oldest] = Items
    if (order?.nextSeq?.N === undefined || order.pending?.N === undefined) return undefined
    return {
      order: { nextSeq: Number(order.nextSeq.N), pending: Number(order.pending.N) },
      oldest: storedMessage(oldest),
    }
  },
})
