import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb'
import type { Bucket, BucketKind, BucketSelection, StatisticsReader } from '#shared/stats/buckets.js'
import { counters, noCounts } from '#shared/stats/counts.js'
import { statisticsPartition } from './dynamodb-keys.js'

/** How many days' partitions one request reads at once. */
const parallelReads = 16

const countsOf = (item: Record<string, AttributeValue>) => {
  const counts = noCounts()
  for (const counter of counters) counts[counter] = Number(item[counter]?.N ?? 0)
  for (const [name, value] of Object.entries(item)) {
    const days = /^wd(\d+)$/.exec(name)?.[1]
    if (days !== undefined) counts.days[Number(days)] = Number(value.N ?? 0)
  }
  return counts
}

const condition = (selection: BucketSelection) =>
  'group' in selection
    ? { expression: ' AND sk = :group', values: { ':group': { S: selection.group } } }
    : 'prefix' in selection
      ? { expression: ' AND begins_with(sk, :prefix)', values: { ':prefix': { S: selection.prefix } } }
      : { expression: '', values: {} }

/**
 * Reads daily buckets from the state table: one Query of each day's partition of a kind (all of
 * it, one group, or the groups starting with a prefix), a bounded number of days at a time.
 */
export const dynamodbStatisticsReader = (client: DynamoDBClient, tableName: string): StatisticsReader => ({
  async buckets(kind: BucketKind, days: readonly string[], selection: BucketSelection) {
    const { expression, values } = condition(selection)
    const readDay = async (day: string) => {
      const buckets: Bucket[] = []
      let start: Record<string, AttributeValue> | undefined
      do {
        const { Items = [], LastEvaluatedKey } = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: `pk = :pk${expression}`,
            ExpressionAttributeValues: { ':pk': { S: statisticsPartition(kind, day) }, ...values },
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        )
        for (const item of Items) {
          if (item.sk?.S !== undefined) buckets.push({ group: item.sk.S, counts: countsOf(item) })
        }
        start = LastEvaluatedKey
      } while (start !== undefined)
      return buckets
    }
    const read: Bucket[] = []
    for (let index = 0; index < days.length; index += parallelReads) {
      const batch = await Promise.all(days.slice(index, index + parallelReads).map(readDay))
      read.push(...batch.flat())
    }
    return read
  },
})
