import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  QueryCommand,
} from '@aws-sdk/client-dynamodb'
import type { AuditEvent } from '#shared/audit/audit-event.js'
import type {
  AuditEventIndex,
  EventFilter,
  EventPartition,
  EventPosition,
  StoredEvent,
} from '#shared/audit/event-index.js'
import { tables } from '../storage-layout.js'
import { keys } from './dynamodb-keys.js'

type Item = Record<string, AttributeValue>

/** The audit table's query indexes, by the partition kind each serves. */
const indexOf = (kind: 'actor' | 'action' | 'day') => {
  const name = { actor: 'by-actor', action: 'by-action', day: 'by-day' }[kind]
  const index = tables.audit.indexes.find((candidate) => candidate.name === name)
  if (index === undefined) throw new Error(`the audit table has no index ${name}`)
  return index
}

const eventSort = /^event#(\d{12})$/

/** The event an audit item holds, with its chain and place (none for chain heads). */
const storedOf = (item: Item): StoredEvent | undefined => {
  const pk = item.pk?.S
  const seq = eventSort.exec(item.sk?.S ?? '')?.[1]
  const doc = item.doc?.S
  if (pk === undefined || seq === undefined || doc === undefined) return undefined
  return { event: JSON.parse(doc) as AuditEvent, chain: pk.slice('chain#'.length), seq: Number(seq) }
}

/**
 * A key condition and filter for one partition: the partition's key, the time range on `atKey`
 * when the partition sorts by it (else in the filter), and the other members in the filter.
 */
const queryOf = (partition: EventPartition, filter: EventFilter) => {
  const names: Record<string, string> = {}
  const values: Item = {}
  const conditions: string[] = []
  const filters: string[] = []
  const bind = (attribute: string, placeholder: string, value: string) => {
    names[`#${placeholder}`] = attribute
    values[`:${placeholder}`] = { S: value }
  }
  const indexed = partition.index !== 'chain'
  if (partition.index === 'chain') {
    bind('pk', 'pk', `chain#${partition.chain}`)
    bind('sk', 'sk', 'event#')
    conditions.push('#pk = :pk', 'begins_with(#sk, :sk)')
  } else {
    bind(indexOf(partition.index).partitionKey, 'key', partition.key)
    conditions.push('#key = :key')
  }
  const timeClauses = indexed ? conditions : filters
  if (filter.from !== undefined && filter.to !== undefined) {
    bind('atKey', 'from', filter.from)
    values[':to'] = { S: filter.to }
    // `to` sorts before every atKey stamped at it (`<at>#<id>`), so BETWEEN leaves those out.
    timeClauses.push('#from BETWEEN :from AND :to')
  } else if (filter.from !== undefined) {
    bind('atKey', 'from', filter.from)
    timeClauses.push('#from >= :from')
  } else if (filter.to !== undefined) {
    bind('atKey', 'to', filter.to)
    timeClauses.push('#to < :to')
  }
  if (filter.actor !== undefined && !(partition.index === 'actor')) {
    bind('actorKey', 'actor', filter.actor)
    filters.push('#actor = :actor')
  }
  if (filter.action !== undefined && !(partition.index === 'action')) {
    bind('actionKey', 'action', filter.action)
    filters.push('#action = :action')
  }
  return {
    ...(indexed ? { IndexName: indexOf(partition.index).name } : {}),
    KeyConditionExpression: conditions.join(' AND '),
    ...(filters.length === 0 ? {} : { FilterExpression: filters.join(' AND ') }),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  }
}

/** The item key a query goes on after: the table's key, and for an index its key too. */
const startKey = (partition: EventPartition, after: EventPosition): Item => {
  const tableKey = keys.event(after.chain, after.seq)
  if (partition.index === 'chain') return tableKey
  return {
    ...tableKey,
    [indexOf(partition.index).partitionKey]: { S: partition.key },
    atKey: { S: after.atKey ?? '' },
  }
}

const positionOfKey = (partition: EventPartition, key: Item | undefined): EventPosition | undefined => {
  const pk = key?.pk?.S
  const seq = eventSort.exec(key?.sk?.S ?? '')?.[1]
  if (pk === undefined || seq === undefined) return undefined
  const position = { chain: pk.slice('chain#'.length), seq: Number(seq) }
  return partition.index === 'chain' ? position : { ...position, atKey: key?.atKey?.S ?? '' }
}

const batchSize = 100

/**
 * Reads the audit log through its keys: a case's events from the case chain's partition, the
 * rest from the by-actor, by-action and by-day indexes, each one Query of at most `limit` items.
 */
export const dynamodbEventIndex = (client: DynamoDBClient, tableName: string): AuditEventIndex => ({
  async page(partition, filter, options) {
    const { Items = [], LastEvaluatedKey } = await client.send(
      new QueryCommand({
        TableName: tableName,
        ...queryOf(partition, filter),
        Limit: options.limit,
        ...(options.after === undefined ? {} : { ExclusiveStartKey: startKey(partition, options.after) }),
      }),
    )
    const next = positionOfKey(partition, LastEvaluatedKey)
    return {
      events: Items.flatMap((item) => storedOf(item) ?? []),
      ...(next === undefined ? {} : { next }),
    }
  },

  async load(wanted) {
    const found: StoredEvent[] = []
    for (let start = 0; start < wanted.length; start += batchSize) {
      let pending: Item[] | undefined = wanted
        .slice(start, start + batchSize)
        .map(({ chain, seq }) => keys.event(chain, seq))
      for (let attempt = 0; pending !== undefined && pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((done) => setTimeout(done, Math.min(1000, 25 * 2 ** attempt)))
        const answer: BatchGetItemCommandOutput = await client.send(
          new BatchGetItemCommand({
            RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        )
        for (const item of answer.Responses?.[tableName] ?? []) {
          const stored = storedOf(item)
          if (stored !== undefined) found.push(stored)
        }
        pending = answer.UnprocessedKeys?.[tableName]?.Keys
      }
    }
    return found
  },
})
