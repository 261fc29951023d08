import { type AttributeValue, BatchGetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb'

type Item = Record<string, AttributeValue>

/** BatchGetItem's limit of keys per call. */
const keysPerCall = 100

const pause = (ms: number) => new Promise((wake) => setTimeout(wake, ms))

/**
 * Reads items of one table by key, strongly consistently, 100 keys a call, retrying with backoff
 * whatever DynamoDB leaves unprocessed. Answers the items found, in no particular order.
 */
export const batchGet = async (
  client: DynamoDBClient,
  tableName: string,
  keys: readonly Item[],
  projection: { expression: string; names: Record<string, string> },
): Promise<Item[]> => {
  const found: Item[] = []
  for (let start = 0; start < keys.length; start += keysPerCall) {
    let pending = keys.slice(start, start + keysPerCall)
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB left keys of a batch read unprocessed eight times')
      if (attempt > 1) await pause(Math.min(1000, 25 * 2 ** attempt))
      const { Responses, UnprocessedKeys } = await client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ConsistentRead: true,
              ProjectionExpression: projection.expression,
              ExpressionAttributeNames: projection.names,
            },
          },
        }),
      )
      found.push(...(Responses?.[tableName] ?? []))
      pending = UnprocessedKeys?.[tableName]?.Keys ?? []
    }
  }
  return found
}
