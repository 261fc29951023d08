import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb'
import type { DeadlineIndex } from '#shared/cases/supervise-deadlines.js'
import { deadlineShard } from './dynamodb-keys.js'

/**
 * Legs due by a cutoff, from the sparse by-deadline index. Its sort key starts with the deadline
 * (always `…+08:00`, so string order is time order), then the case and the home.
 */
export const dynamodbDeadlineIndex = (client: DynamoDBClient, tableName: string): DeadlineIndex => ({
  async dueBy(cutoff, page) {
    const { Items = [], LastEvaluatedKey } = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'by-deadline',
        KeyConditionExpression: 'deadlineShard = :shard AND deadlineSort <= :cutoff',
        ExpressionAttributeValues: { ':shard': { S: deadlineShard }, ':cutoff': { S: `${cutoff}#\uffff` } },
        Limit: page.limit,
        ...(page.after === undefined ? {} : { ExclusiveStartKey: JSON.parse(page.after) }),
      }),
    )
    return {
      legs: Items.flatMap((item) => {
        const [, caseId, home] = item.deadlineSort?.S?.split('#') ?? []
        return caseId === undefined || home === undefined ? [] : [{ caseId, home }]
      }),
      ...(LastEvaluatedKey === undefined ? {} : { next: JSON.stringify(LastEvaluatedKey) }),
    }
  },
})
