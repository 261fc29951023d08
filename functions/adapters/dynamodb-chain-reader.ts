import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'
import type { ChainHead } from '#shared/audit/audit-event.js'
import type { ChainReader } from '#shared/store/changes.js'
import { keys } from './dynamodb-keys.js'

/** Reads chain heads strongly consistently, so a writer links to the latest committed event. */
export const dynamodbChainReader = (client: DynamoDBClient, tableName: string): ChainReader => ({
  async head(chain: string): Promise<ChainHead | undefined> {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: keys.chainHead(chain), ConsistentRead: true }),
    )
    if (Item?.seq?.N === undefined || Item.hash?.S === undefined) return undefined
    return { chain, seq: Number(Item.seq.N), hash: Item.hash.S }
  },
})
