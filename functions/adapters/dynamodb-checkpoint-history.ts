import { type DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb'
import type { CheckpointHistory } from '#shared/audit/export-audit.js'
import { keys } from './dynamodb-keys.js'

/**
 * The checkpoints the tree store keeps in the audit table (`checkpoint`/`<size>`, in size order),
 * read with one Query per range, and the first leaf's event, found by the id its leaf names.
 */
export const dynamodbCheckpointHistory = (client: DynamoDBClient, tableName: string): CheckpointHistory => ({
  async list({ after, upTo, limit }) {
    if (upTo <= after) return []
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :first AND :last',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: {
          ':pk': keys.checkpoint(after + 1).pk ?? { S: 'checkpoint' },
          ':first': keys.checkpoint(after + 1).sk ?? { S: '' },
          ':last': keys.checkpoint(upTo).sk ?? { S: '' },
        },
        Limit: limit,
        ConsistentRead: true,
      }),
    )
    return Items.flatMap((item) => {
      const [treeSize, rootHash, jws] = [item.treeSize?.N, item.rootHash?.S, item.jws?.S]
      return treeSize === undefined || rootHash === undefined || jws === undefined
        ? []
        : [{ treeSize: Number(treeSize), rootHash, jws }]
    })
  },

  async firstLeafAt() {
    const { Item: leaf } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: keys.treeNode(0, 0), ConsistentRead: true }),
    )
    const eventId = leaf?.leafEvent?.S
    if (eventId === undefined) return undefined
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'by-event',
        KeyConditionExpression: '#eventId = :eventId',
        ExpressionAttributeNames: { '#eventId': 'eventId', '#doc': 'doc' },
        ExpressionAttributeValues: { ':eventId': { S: eventId } },
        ProjectionExpression: '#doc',
      }),
    )
    const doc = Items[0]?.doc?.S
    return doc === undefined ? undefined : (JSON.parse(doc) as { at: string }).at
  },
})
