import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb'
import type { AuditEvent } from '#shared/audit/audit-event.js'
import type { QueuedEvent, StatisticsLedger, Tally } from '#shared/stats/buckets.js'
import { type Counts, counters } from '#shared/stats/counts.js'
import { keys, unfoldedQueue } from './dynamodb-keys.js'

type Key = Record<string, AttributeValue>

/** The numeric attributes a bucket adds up: each counter, and `wd<n>` for decisions that took n working days. */
const bucketAttributes = (counts: Counts): [string, number][] => [
  ...counters.map((counter): [string, number] => [counter, counts[counter]]),
  ...Object.entries(counts.days).map(([days, count]): [string, number] => [`wd${days}`, count]),
]

/**
 * `ADD` creates the bucket and each attribute on first use, so increments need no read and
 * concurrent transactions on one bucket add up instead of overwriting each other.
 */
const addTo = (table: string, tally: Tally): TransactWriteItem | undefined => {
  const added = bucketAttributes(tally.counts).filter(([, value]) => value !== 0)
  if (added.length === 0) return undefined
  return {
    Update: {
      TableName: table,
      Key: keys.statistics(tally.kind, tally.day, tally.group),
      UpdateExpression: `ADD ${added.map((_, index) => `#a${index} :v${index}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(added.map(([name], index) => [`#a${index}`, name])),
      ExpressionAttributeValues: Object.fromEntries(
        added.map(([, value], index) => [`:v${index}`, { N: String(value) }]),
      ),
    },
  }
}

/** Takes an event off the queue, only if it is still on it: the condition that makes counting exactly-once. */
const dequeue = (table: string, key: Key): TransactWriteItem => ({
  Update: {
    TableName: table,
    Key: key,
    UpdateExpression: 'REMOVE #unfolded',
    ConditionExpression: 'attribute_exists(#unfolded)',
    ExpressionAttributeNames: { '#unfolded': 'unfolded' },
  },
})

const refOf = (item: Record<string, AttributeValue>) => JSON.stringify({ pk: item.pk, sk: item.sk })

/**
 * The statistics' queue and buckets: queued events come from the audit table's sparse `unfolded`
 * index (oldest event id first); a fold is one transaction of `ADD`s on the state table's daily
 * buckets and conditional `REMOVE unfolded`s on the events, so nothing is counted twice.
 */
export const dynamodbStatisticsLedger = (
  client: DynamoDBClient,
  tables: { state: string; audit: string },
): StatisticsLedger => ({
  async unfolded(page) {
    const { Items = [], LastEvaluatedKey } = await client.send(
      new QueryCommand({
        TableName: tables.audit,
        IndexName: 'unfolded',
        KeyConditionExpression: '#unfolded = :queue',
        ExpressionAttributeNames: { '#unfolded': 'unfolded' },
        ExpressionAttributeValues: { ':queue': { S: unfoldedQueue } },
        Limit: page.limit,
        ...(page.after === undefined ? {} : { ExclusiveStartKey: JSON.parse(page.after) as Key }),
      }),
    )
    return {
      events: Items.map((item) => ({
        event: JSON.parse(item.doc?.S ?? 'null') as AuditEvent,
        ref: refOf(item),
      })),
      ...(LastEvaluatedKey === undefined ? {} : { next: JSON.stringify(LastEvaluatedKey) }),
    }
  },

  async fold(events: readonly QueuedEvent[], tallies: readonly Tally[]) {
    const updates = tallies.flatMap((tally) => addTo(tables.state, tally) ?? [])
    const items = [
      ...updates,
      ...events.map((queued) => dequeue(tables.audit, JSON.parse(queued.ref) as Key)),
    ]
    try {
      await client.send(new TransactWriteItemsCommand({ TransactItems: items }))
      return { outcome: 'written' }
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error
      const reasons = error.CancellationReasons ?? []
      const refs = events
        .filter((_, index) => reasons[updates.length + index]?.Code === 'ConditionalCheckFailed')
        .map((queued) => queued.ref)
      if (refs.length > 0) return { outcome: 'already-folded', refs }
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) return { outcome: 'contended' }
      throw error
    }
  },
})
