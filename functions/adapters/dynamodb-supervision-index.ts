import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb'
import type { DeadlineRange, SupervisionIndex } from '#shared/stats/list-supervised-legs.js'
import { deadlineShard, overdueShard } from './dynamodb-keys.js'

const shards = { deadline: deadlineShard, overdue: overdueShard } as const

const sortCondition = (
  range: DeadlineRange,
): { expression: string; values: Record<string, AttributeValue> } => {
  const { lower, upper } = range
  if (lower !== undefined && upper !== undefined) {
    return {
      expression: ' AND deadlineSort BETWEEN :lower AND :upper',
      values: { ':lower': { S: lower }, ':upper': { S: upper } },
    }
  }
  if (lower !== undefined)
    return { expression: ' AND deadlineSort >= :lower', values: { ':lower': { S: lower } } }
  if (upper !== undefined)
    return { expression: ' AND deadlineSort <= :upper', values: { ':upper': { S: upper } } }
  return { expression: '', values: {} }
}

/**
 * The supervisors' reading of the sparse by-deadline index: one partition (running clocks, or
 * legs flagged overdue) between bounds on `<deadline>#<caseId>#<home>`, in deadline order.
 */
export const dynamodbSupervisionIndex = (client: DynamoDBClient, tableName: string): SupervisionIndex => ({
  async legs(partition, range, page) {
    const shard = shards[partition]
    const { expression, values } = sortCondition(range)
    const { Items = [], LastEvaluatedKey } = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'by-deadline',
        KeyConditionExpression: `deadlineShard = :shard${expression}`,
        ExpressionAttributeValues: { ':shard': { S: shard }, ...values },
        Limit: page.limit,
        ...(page.after === undefined
          ? {}
          : {
              ExclusiveStartKey: {
                deadlineShard: { S: shard },
                deadlineSort: { S: page.after.deadlineSort },
                pk: { S: page.after.pk },
                sk: { S: page.after.sk },
              },
            }),
      }),
    )
    const last = LastEvaluatedKey
    return {
      legs: Items.flatMap((item) => {
        const [, caseId, home] = item.deadlineSort?.S?.split('#') ?? []
        return caseId === undefined || home === undefined ? [] : [{ caseId, home }]
      }),
      ...(last?.deadlineSort?.S === undefined || last.pk?.S === undefined || last.sk?.S === undefined
        ? {}
        : { next: { deadlineSort: last.deadlineSort.S, pk: last.pk.S, sk: last.sk.S } }),
    }
  },
})
