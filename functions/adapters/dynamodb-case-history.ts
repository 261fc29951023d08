import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb'
import type { AuditEvent } from '#shared/audit/audit-event.js'
import type { CaseHistory } from '#shared/stats/buckets.js'
import { keys } from './dynamodb-keys.js'

/** A case's audit events in chain order: one strongly consistent Query of its chain's partition. */
export const dynamodbCaseHistory = (client: DynamoDBClient, tableName: string): CaseHistory => ({
  async events(caseId) {
    // Events of a case form the chain `case#<caseId>` (chainOf), whose events share one partition.
    const { pk } = keys.chainHead(`case#${caseId}`)
    const events: AuditEvent[] = []
    let start: Record<string, AttributeValue> | undefined
    do {
      const { Items = [], LastEvaluatedKey } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
          ExpressionAttributeValues: { ':pk': pk as AttributeValue, ':events': { S: 'event#' } },
          ProjectionExpression: '#doc',
          ExpressionAttributeNames: { '#doc': 'doc' },
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      )
      for (const item of Items) events.push(JSON.parse(item.doc?.S ?? 'null') as AuditEvent)
      start = LastEvaluatedKey
    } while (start !== undefined)
    return events
  },
})
