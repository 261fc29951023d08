import { type DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb'
import * as z from 'zod'
import type { EventLocator } from '#shared/audit/prove-inclusion.js'

/** The members of a stored event that say whose it is. */
const Located = z.object({ caseId: z.string().optional(), leafIndex: z.number().int().min(0).optional() })

/**
 * Finds events through the audit table's `by-event` index. An index lags its table a little, so an
 * event whose indexed copy has no leaf index yet is read once more from the table itself; a leaf
 * index, once given, never changes.
 */
export const dynamodbEventLocator = (client: DynamoDBClient, tableName: string): EventLocator => ({
  async locate(eventId) {
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'by-event',
        KeyConditionExpression: '#eventId = :eventId',
        ExpressionAttributeNames: { '#eventId': 'eventId', '#pk': 'pk', '#sk': 'sk', '#doc': 'doc' },
        ExpressionAttributeValues: { ':eventId': { S: eventId } },
        ProjectionExpression: '#pk, #sk, #doc',
      }),
    )
    const item = Items.find((candidate) => candidate.pk?.S?.startsWith('chain#') === true)
    const [pk, sk, doc] = [item?.pk?.S, item?.sk?.S, item?.doc?.S]
    if (pk === undefined || sk === undefined || doc === undefined) return undefined
    const { caseId, leafIndex } = Located.parse(JSON.parse(doc))
    if (leafIndex !== undefined) return { caseId, leafIndex }
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: pk }, sk: { S: sk } },
        ConsistentRead: true,
        ProjectionExpression: '#leafIndex',
        ExpressionAttributeNames: { '#leafIndex': 'leafIndex' },
      }),
    )
    return { caseId, leafIndex: Item?.leafIndex?.N === undefined ? undefined : Number(Item.leafIndex.N) }
  },
})
