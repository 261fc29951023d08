import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb'
import type { Collection, Namespace, Page, RecordReader, Stored } from '#shared/store/changes.js'
import { keys } from './dynamodb-keys.js'

/**
 * Registry records live in the state table under `pk = <collection>`, `sk = <id>`, as a JSON
 * document and a version, so a collection lists in id order with one Query and never a Scan.
 */
export const dynamodbRecordReader = (client: DynamoDBClient, tableName: string): RecordReader => ({
  async get<T>(collection: Collection, id: string): Promise<Stored<T> | undefined> {
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: keys.record(collection, id),
        ConsistentRead: true,
      }),
    )
    if (Item?.doc?.S === undefined || Item.version?.N === undefined) return undefined
    return { value: JSON.parse(Item.doc.S) as T, version: Number(Item.version.N) }
  },

  async list<T>(
    collection: Collection,
    page: { limit: number; after: string | undefined },
  ): Promise<Page<T>> {
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :collection',
        ExpressionAttributeValues: { ':collection': { S: collection } },
        // One more than asked tells whether another page exists, so the last page has no cursor.
        Limit: page.limit + 1,
        ...(page.after === undefined ? {} : { ExclusiveStartKey: keys.record(collection, page.after) }),
      }),
    )
    const items = Items.slice(0, page.limit)
    return {
      values: items.flatMap((item) => (item.doc?.S === undefined ? [] : [JSON.parse(item.doc.S) as T])),
      next: Items.length > page.limit ? items.at(-1)?.sk?.S : undefined,
    }
  },

  async names(namespace: Namespace): Promise<string[]> {
    const names: string[] = []
    let start: Record<string, AttributeValue> | undefined
    do {
      const { Items = [], LastEvaluatedKey } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :namespace',
          ExpressionAttributeValues: { ':namespace': { S: namespace } },
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      )
      for (const item of Items) if (item.sk?.S !== undefined) names.push(item.sk.S)
      start = LastEvaluatedKey
    } while (start !== undefined)
    return names
  },
})
