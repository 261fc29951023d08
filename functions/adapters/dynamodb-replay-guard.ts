import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb'
import type { ReplayGuard } from '#shared/trust/authenticate.js'

/**
 * Spends a token id with a conditional put: of two requests carrying the same `jti`, exactly one
 * writes. Items expire by TTL once the token could no longer pass the expiry check anyway.
 */
export const dynamodbReplayGuard = (client: DynamoDBClient, tableName: string): ReplayGuard => ({
  async claim(issuer, jti, expiresAt) {
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            pk: { S: `${issuer}#${jti}` },
            expiresAt: { N: String(Math.ceil(expiresAt.getTime() / 1000)) },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      return true
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false
      throw error
    }
  },
})
