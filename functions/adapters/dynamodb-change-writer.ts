import {
  type DynamoDBClient,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import type { ChainHead } from '#shared/audit/audit-event.js'
import { type Change, type ChangeWriter, WriteConflict } from '#shared/store/changes.js'
import { chainHeadKey } from './dynamodb-chain-reader.js'

export type ChangeTables = { state: string; audit: string }

const eventSortKey = (seq: number) => `event#${String(seq).padStart(12, '0')}`

/** One transaction item per change, plus one head update per chain touched. */
const toTransaction = (tables: ChangeTables, changes: readonly Change[]) => {
  const items: { change: Change; item: TransactWriteItem }[] = []
  const heads = new Map<string, { first: number; last: ChainHead; change: Change }>()
  for (const change of changes) {
    switch (change.kind) {
      case 'put-record':
        items.push({
          change,
          item: {
            Put: {
              TableName: tables.state,
              Item: {
                pk: { S: change.collection },
                sk: { S: change.id },
                version: { N: String(change.version) },
                doc: { S: JSON.stringify(change.value) },
              },
              ...(change.expectedVersion === 0
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : {
                    ConditionExpression: 'version = :expected',
                    ExpressionAttributeValues: { ':expected': { N: String(change.expectedVersion) } },
                  }),
            },
          },
        })
        break
      case 'claim':
        items.push({
          change,
          item: {
            Put: {
              TableName: tables.state,
              Item: { pk: { S: change.namespace }, sk: { S: change.name }, owner: { S: change.owner } },
              ConditionExpression: 'attribute_not_exists(pk) OR #owner = :owner',
              ExpressionAttributeNames: { '#owner': 'owner' },
              ExpressionAttributeValues: { ':owner': { S: change.owner } },
            },
          },
        })
        break
      case 'release':
        items.push({
          change,
          item: {
            Delete: {
              TableName: tables.state,
              Key: { pk: { S: change.namespace }, sk: { S: change.name } },
              ConditionExpression: '#owner = :owner',
              ExpressionAttributeNames: { '#owner': 'owner' },
              ExpressionAttributeValues: { ':owner': { S: change.owner } },
            },
          },
        })
        break
      case 'append-event': {
        items.push({
          change,
          item: {
            Put: {
              TableName: tables.audit,
              Item: {
                pk: { S: `chain#${change.head.chain}` },
                sk: { S: eventSortKey(change.head.seq) },
                eventId: { S: change.event.eventId },
                doc: { S: JSON.stringify(change.event) },
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        })
        const seen = heads.get(change.head.chain)
        heads.set(change.head.chain, { first: seen?.first ?? change.previousSeq, last: change.head, change })
        break
      }
    }
  }
  // DynamoDB allows one operation per item in a transaction: a chain's head moves once, from the
  // seq its first event linked to, to the last event's.
  for (const { first, last, change } of heads.values()) {
    items.push({
      change,
      item: {
        Put: {
          TableName: tables.audit,
          Item: { ...chainHeadKey(last.chain), seq: { N: String(last.seq) }, hash: { S: last.hash } },
          ...(first === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'seq = :previous',
                ExpressionAttributeValues: { ':previous': { N: String(first) } },
              }),
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
