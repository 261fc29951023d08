import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb'
import * as z from 'zod'
import type { UnsealedEvent, UnsealedEvents } from '#shared/audit/tree-store.js'
import { batchGet } from './dynamodb-batch-get.js'
import { eventPosition, keys } from './dynamodb-keys.js'

type Item = Record<string, AttributeValue>

/** The event item an unsealed event came from: its key and its stored JSON as read. */
export type EventRef = { pk: string; sk: string; doc: string }

/** The store's handle on an event, handed through the checkpointer to the tree store's append. */
export const encodeEventRef = (ref: EventRef): string => JSON.stringify([ref.pk, ref.sk, ref.doc])

/** The event item behind a handle `encodeEventRef` made. */
export const decodeEventRef = (ref: string): EventRef => {
  const [pk, sk, doc] = z.tuple([z.string(), z.string(), z.string()]).parse(JSON.parse(ref))
  return { pk, sk, doc }
}

/** The members of a stored event the tree needs. */
const Leaf = z.object({ eventId: z.string(), hash: z.string().regex(/^[0-9a-f]{64}$/) })

const itemKey = (key: Item) => `${key.pk?.S}/${key.sk?.S}`

/**
 * The queue of events not yet in the tree: the audit table's sparse `unsealed` index (the change
 * writer puts every new event in it, the tree store takes it out). An index is read eventually
 * consistently, so a page is re-read from the table in one consistent batch read and whatever a
 * checkpointer has sealed meanwhile is dropped, rather than offered and refused in a transaction.
 * The same batch reads each event's chain predecessor (`seq - 1`), which the index may not show
 * yet, to tell whether it has its leaf.
 */
export const dynamodbUnsealedEvents = (client: DynamoDBClient, tableName: string): UnsealedEvents => ({
  async page(limit, after) {
    const { Items = [], LastEvaluatedKey } = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'unsealed',
        KeyConditionExpression: '#unsealed = :leaf',
        ExpressionAttributeNames: { '#unsealed': 'unsealed', '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':leaf': { S: 'leaf' } },
        ProjectionExpression: '#pk, #sk',
        Limit: limit,
        ...(after === undefined ? {} : { ExclusiveStartKey: JSON.parse(after) as Item }),
      }),
    )
    const queued = Items.flatMap((item) => {
      const position = eventPosition(item)
      return position === undefined ? [] : [{ ...position, key: keys.event(position.chain, position.seq) }]
    })
    const inPage = new Set(queued.map(({ key }) => itemKey(key)))
    const predecessors = queued.flatMap(({ chain, seq }) => {
      const key = keys.event(chain, seq - 1)
      return seq === 1 || inPage.has(itemKey(key)) ? [] : [key]
    })
    const fresh = await batchGet(client, tableName, [...queued.map(({ key }) => key), ...predecessors], {
      expression: '#pk, #sk, #doc, #unsealed, #leafIndex',
      names: { '#pk': 'pk', '#sk': 'sk', '#doc': 'doc', '#unsealed': 'unsealed', '#leafIndex': 'leafIndex' },
    })
    const read = new Map(fresh.map((item) => [itemKey(item), item]))
    const events = queued.flatMap(({ chain, seq, key }): UnsealedEvent[] => {
      const item = read.get(itemKey(key))
      const [pk, sk, doc] = [item?.pk?.S, item?.sk?.S, item?.doc?.S]
      if (pk === undefined || sk === undefined || doc === undefined) return []
      if (item?.unsealed === undefined || item.leafIndex !== undefined) return []
      const { eventId, hash } = Leaf.parse(JSON.parse(doc))
      const predecessorSealed =
        seq > 1 && read.get(itemKey(keys.event(chain, seq - 1)))?.leafIndex !== undefined
      return [{ eventId, hash, chain, seq, predecessorSealed, ref: encodeEventRef({ pk, sk, doc }) }]
    })
    events.sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0))
    return { events, next: LastEvaluatedKey === undefined ? undefined : JSON.stringify(LastEvaluatedKey) }
  },
})
