import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb'
import type { PackageRecords, SealedPackage } from '#shared/packages/sealed-package.js'
import { casePartition, keys } from './dynamodb-keys.js'

const packageOf = (item: Record<string, AttributeValue> | undefined) =>
  item?.doc?.S === undefined ? undefined : (JSON.parse(item.doc.S) as SealedPackage)

/** Reads the sealed packages `put-package` changes wrote, from the case's own partition. */
export const dynamodbPackageRecords = (client: DynamoDBClient, tableName: string): PackageRecords => ({
  async list(caseId) {
    const packages: SealedPackage[] = []
    let start: Record<string, AttributeValue> | undefined
    do {
      const { Items = [], LastEvaluatedKey } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :case AND begins_with(sk, :packages)',
          ExpressionAttributeValues: {
            ':case': { S: casePartition(caseId) },
            ':packages': { S: 'package#' },
          },
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      )
      for (const item of Items) {
        const sealed = packageOf(item)
        if (sealed !== undefined) packages.push(sealed)
      }
      start = LastEvaluatedKey
    } while (start !== undefined)
    return packages
  },

  async get(caseId, packageId) {
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: keys.package(caseId, packageId),
        ConsistentRead: true,
      }),
    )
    return packageOf(Item)
  },
})
