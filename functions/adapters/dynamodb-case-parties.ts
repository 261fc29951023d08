import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import * as z from 'zod'
import type { CaseParties } from '#shared/packages/sealed-package.js'
import { keys } from './dynamodb-keys.js'

/** The members of a stored case that say who takes part in it; the rest is not read into anything. */
const Parties = z.object({ accepting: z.string(), homes: z.array(z.string()) })

/** Reads who takes part in a case from the case item the case use cases write. */
export const dynamodbCaseParties = (client: DynamoDBClient, tableName: string): CaseParties => ({
  async partiesOf(caseId) {
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: keys.case(caseId),
        ConsistentRead: true,
        ProjectionExpression: '#doc',
        ExpressionAttributeNames: { '#doc': 'doc' },
      }),
    )
    if (Item?.doc?.S === undefined) return undefined
    const { accepting, homes } = Parties.parse(JSON.parse(Item.doc.S))
    return { accepting, homes }
  },
})
