import { randomUUID } from 'node:crypto'
import {
  type AttributeValue,
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import { dynamodbChainReader } from '#functions/adapters/dynamodb-chain-reader.js'
import { dynamodbChangeWriter } from '#functions/adapters/dynamodb-change-writer.js'
import { keys } from '#functions/adapters/dynamodb-keys.js'
import { uuidV7 } from '#functions/adapters/uuid-v7.js'
import { dynamodbClient } from '#functions/dependencies/stores.js'
import { tables } from '#functions/storage-layout.js'
import { tableDefinition } from '#local/stores.js'
import { type AuditedWriteDeps, commitAudited } from '#shared/audit/append-audited.js'
import type { AuditEvent } from '#shared/audit/audit-event.js'
import { leafHash } from '#shared/audit/merkle.js'
import { emptyFrontier, extendFrontier, fromHex, frontierRoot, toHex } from '#shared/audit/tree-nodes.js'
import { localSettings } from './local-documents.js'

/** A DynamoDB client on the local stack that counts the calls it sends, by command. */
export const countingClient = () => {
  const client = dynamodbClient(localSettings)
  const calls = new Map<string, number>()
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown'
      calls.set(command, (calls.get(command) ?? 0) + 1)
      return next(args)
    },
    { step: 'initialize', name: 'countCalls' },
  )
  return { client, calls }
}

/**
 * A fresh table with the audit table's layout in the local DynamoDB, for tests that need a log of
 * a known size: the shared one grows with every test file running beside them.
 */
export const scratchAuditTable = async (client: DynamoDBClient) => {
  const TableName = `audit-scratch-${randomUUID().slice(0, 8)}`
  await client.send(new CreateTableCommand(tableDefinition(tables.audit, TableName)))
  return { tableName: TableName, drop: () => client.send(new DeleteTableCommand({ TableName })) }
}

/** What writes audit events into a given audit table of the local DynamoDB. */
export const auditWriter = (client: DynamoDBClient, auditTable: string): AuditedWriteDeps => ({
  writer: dynamodbChangeWriter(client, {
    state: localSettings.STATE_TABLE,
    audit: auditTable,
    inbox: localSettings.INBOX_TABLE,
  }),
  chains: dynamodbChainReader(client, auditTable),
  clock: () => new Date(),
  newEventId: () => uuidV7(),
})

/**
 * Event ids of one millisecond handed out largest first, as UUIDv7 may give the events of a chain
 * written within one millisecond: each event's id sorts before the one written before it.
 */
export const backwardIds = (count = 1000) => {
  const now = new Date()
  const ids = Array.from({ length: count }, () => uuidV7(now)).sort()
  return () => {
    const id = ids.pop()
    if (id === undefined) throw new Error(`more than ${count} ids taken`)
    return id
  }
}

/**
 * Takes a participant's event out of the checkpointer's queue or puts it back in, as a lagging
 * index would not show it yet: the event item itself stays as it is.
 */
export const queueShows = async (
  client: DynamoDBClient,
  auditTable: string,
  event: { participant: string; seq: number },
  shown: boolean,
) => {
  await client.send(
    new UpdateItemCommand({
      TableName: auditTable,
      Key: keys.event(`participant#${event.participant}`, event.seq),
      UpdateExpression: shown ? 'SET #unsealed = :leaf' : 'REMOVE #unsealed',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#unsealed': 'unsealed' },
      ...(shown ? { ExpressionAttributeValues: { ':leaf': { S: 'leaf' } } } : {}),
    }),
  )
}

/** Commits `count` audit-only events acted by `participant`, fifty to a transaction. */
export const commitEvents = async (deps: AuditedWriteDeps, participant: string, count: number) => {
  for (let done = 0; done < count; done += 50) {
    const batch = Math.min(50, count - done)
    await commitAudited(deps, async () => ({
      changes: [],
      audit: Array.from({ length: batch }, (_, i) => ({
        actor: { participant, sub: 'checkpoint-test' },
        action: 'test.checkpointed',
        details: { n: done + i },
      })),
      result: undefined,
    }))
  }
}

/** Every item of one partition of an audit table (those whose sort key begins `prefix`), in order. */
const partitionItems = async (client: DynamoDBClient, auditTable: string, pk: string, prefix?: string) => {
  const items: Record<string, AttributeValue>[] = []
  let start: Record<string, AttributeValue> | undefined
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: auditTable,
        // A key condition may not compare with an empty string: no prefix, no condition on the sort key.
        KeyConditionExpression: prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': { S: pk },
          ...(prefix === undefined ? {} : { ':prefix': { S: prefix } }),
        },
        ConsistentRead: true,
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    )
    items.push(...(page.Items ?? []))
    start = page.LastEvaluatedKey
  } while (start !== undefined)
  return items
}

/** The events of a participant's chain in an audit table, as stored, in chain order. */
export const participantEvents = async (
  client: DynamoDBClient,
  auditTable: string,
  participant: string,
): Promise<AuditEvent[]> =>
  (await partitionItems(client, auditTable, `chain#participant#${participant}`, 'event#')).map(
    (item) => JSON.parse(item.doc?.S ?? '{}') as AuditEvent,
  )

/** Every leaf of the tree in an audit table from index 0 on, as stored. */
export const storedLeaves = async (client: DynamoDBClient, auditTable: string) =>
  (await partitionItems(client, auditTable, 'tree#0')).map((item) => ({
    leafIndex: Number(item.sk?.S),
    hash: item.hash?.S ?? '',
    eventId: item.leafEvent?.S ?? '',
    eventHash: item.eventHash?.S ?? '',
  }))

/** Every checkpoint recorded in an audit table, smallest first. */
export const storedCheckpoints = async (client: DynamoDBClient, auditTable: string) =>
  (await partitionItems(client, auditTable, 'checkpoint')).map((item) => ({
    treeSize: Number(item.treeSize?.N),
    rootHash: item.rootHash?.S ?? '',
    jws: item.jws?.S ?? '',
  }))

/**
 * Checks a stored tree against itself and its checkpoints: leaves 0..n-1 without a gap, each event
 * once, each leaf the RFC leaf hash of its event's hash, and each checkpoint's root that of the
 * leaves up to its size (computed once, incrementally). Answers the problems found.
 */
export const treeProblems = (
  leaves: readonly { leafIndex: number; hash: string; eventId: string; eventHash: string }[],
  checkpoints: readonly { treeSize: number; rootHash: string }[],
): string[] => {
  const problems: string[] = []
  const seen = new Set<string>()
  leaves.forEach((leaf, i) => {
    if (leaf.leafIndex !== i) problems.push(`leaf ${i} is stored as ${leaf.leafIndex}`)
    if (seen.has(leaf.eventId)) problems.push(`event ${leaf.eventId} is a leaf twice`)
    seen.add(leaf.eventId)
    if (toHex(leafHash(fromHex(leaf.eventHash))) !== leaf.hash) problems.push(`leaf ${i} has a wrong hash`)
  })
  let frontier = emptyFrontier
  for (const checkpoint of [...checkpoints].sort((a, b) => a.treeSize - b.treeSize)) {
    if (checkpoint.treeSize > leaves.length) {
      problems.push(`checkpoint ${checkpoint.treeSize} is past the ${leaves.length} leaves`)
      continue
    }
    const more = leaves.slice(frontier.size, checkpoint.treeSize).map((leaf) => fromHex(leaf.hash))
    frontier = extendFrontier(frontier, more).frontier
    if (toHex(frontierRoot(frontier)) !== checkpoint.rootHash)
      problems.push(`checkpoint ${checkpoint.treeSize} has another root than its leaves`)
  }
  return problems
}
