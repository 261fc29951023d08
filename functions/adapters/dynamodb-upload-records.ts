import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import type { UploadRecord, UploadRecords } from '#shared/packages/upload.js'
import { keys } from './dynamodb-keys.js'

/** Reads the upload records `put-upload` changes wrote, strongly consistently. */
export const dynamodbUploadRecords = (client: DynamoDBClient, tableName: string): UploadRecords => ({
  async get(documentId) {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: keys.upload(documentId), ConsistentRead: true }),
    )
    return Item?.doc?.S === undefined ? undefined : (JSON.parse(Item.doc.S) as UploadRecord)
  },
})
