import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  TransactionConflictException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import { fromHex, toHex } from '#shared/audit/tree-nodes.js'
import {
  type AppendBatch,
  emptyHead,
  TreeConflict,
  type TreeHead,
  type TreeStore,
} from '#shared/audit/tree-store.js'
import { batchGet } from './dynamodb-batch-get.js'
import { keys } from './dynamodb-keys.js'
import { decodeEventRef } from './dynamodb-unsealed-events.js'

type Item = Record<string, AttributeValue>

/** DynamoDB's limit of items in one transaction. */
const transactionItems = 100

const number = (value: number): AttributeValue => ({ N: String(value) })

/** Expression names for attributes (several, like `size` and `hash`, are reserved words). */
const named = (...attributes: string[]) =>
  Object.fromEntries(attributes.map((attribute) => [`#${attribute}`, attribute]))

const readHead = (item: Item | undefined): TreeHead => {
  if (item === undefined) return emptyHead
  const size = Number(item.size?.N ?? 0)
  const checkpointed = Number(item.checkpointed?.N ?? 0)
  const rootHash = item.checkpointRoot?.S
  const jws = item.checkpointJws?.S
  return {
    frontier: { size, hashes: (item.frontier?.L ?? []).map((hash) => fromHex(hash.S ?? '')) },
    checkpoint:
      checkpointed > 0 && rootHash !== undefined && jws !== undefined
        ? { treeSize: checkpointed, rootHash, jws }
        : undefined,
    archivedSize: Number(item.archived?.N ?? 0),
  }
}

/** The transaction item giving one event its leaf index, if it is still unsealed and as read. */
const sealEvent = (tableName: string, leaf: AppendBatch['leaves'][number]): TransactWriteItem => {
  const { pk, sk, doc } = decodeEventRef(leaf.event.ref)
  return {
    Update: {
      TableName: tableName,
      Key: { pk: { S: pk }, sk: { S: sk } },
      UpdateExpression: 'SET #leafIndex = :leafIndex, #doc = :doc REMOVE #unsealed',
      ConditionExpression: 'attribute_exists(#unsealed) AND #doc = :read',
      ExpressionAttributeNames: named('leafIndex', 'doc', 'unsealed'),
      ExpressionAttributeValues: {
        ':leafIndex': number(leaf.leafIndex),
        ':doc': { S: JSON.stringify({ ...JSON.parse(doc), leafIndex: leaf.leafIndex }) },
        ':read': { S: doc },
      },
    },
  }
}

const putOnce = (tableName: string, Item: Item): TransactWriteItem => ({
  Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' },
})

/** The head's move: created by the first append, afterwards moved only from the size it was read at. */
const moveHead = (tableName: string, batch: AppendBatch): TransactWriteItem => ({
  Update: {
    TableName: tableName,
    Key: keys.treeHead(),
    UpdateExpression:
      'SET #size = :size, #rootHash = :rootHash, #frontier = :frontier, ' +
      '#checkpointed = if_not_exists(#checkpointed, :zero), #archived = if_not_exists(#archived, :zero)',
    ConditionExpression: batch.from === 0 ? 'attribute_not_exists(pk)' : '#size = :from',
    ExpressionAttributeNames: named('size', 'rootHash', 'frontier', 'checkpointed', 'archived'),
    ExpressionAttributeValues: {
      ':size': number(batch.frontier.size),
      ':rootHash': { S: batch.rootHash },
      ':frontier': { L: batch.frontier.hashes.map((hash) => ({ S: toHex(hash) })) },
      ':zero': number(0),
      ...(batch.from === 0 ? {} : { ':from': number(batch.from) }),
    },
  },
})

/** Runs a transaction; a failed condition or a concurrent transaction on its items is a `TreeConflict`. */
const transact = async (client: DynamoDBClient, items: TransactWriteItem[], what: string) => {
  if (items.length > transactionItems)
    throw new RangeError(`${items.length} items do not fit one transaction`)
  try {
    await client.send(new TransactWriteItemsCommand({ TransactItems: items }))
  } catch (error) {
    const lost =
      error instanceof TransactionCanceledException &&
      (error.CancellationReasons ?? []).some(
        (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
      )
    if (lost) throw new TreeConflict(what, { cause: error })
    throw error
  }
}

/**
 * The log's Merkle tree in the audit table, beside the events: the head (`tree`/`head`), every
 * complete subtree once (`tree#<level>`/`<index>`, leaves at level 0 naming their event) and every
 * checkpoint once (`checkpoint`/`<size>`). Appends and checkpoints are transactions conditioned on
 * the head as read; nodes and checkpoints are written only where nothing is, so none ever changes.
 */
export const dynamodbTreeStore = (client: DynamoDBClient, tableName: string): TreeStore => ({
  appendCapacity: transactionItems,

  async head() {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: keys.treeHead(), ConsistentRead: true }),
    )
    return readHead(Item)
  },

  async nodes(positions) {
    const items = await batchGet(
      client,
      tableName,
      positions.map(({ level, index }) => keys.treeNode(level, index)),
      { expression: '#pk, #sk, #hash', names: named('pk', 'sk', 'hash') },
    )
    const hashes = new Map(items.map((item) => [`${item.pk?.S}/${item.sk?.S}`, item.hash?.S]))
    return positions.map(({ level, index }) => {
      const { pk, sk } = keys.treeNode(level, index)
      const hash = hashes.get(`${pk?.S}/${sk?.S}`)
      if (hash === undefined) throw new Error(`the tree has no node ${level}/${index}`)
      return fromHex(hash)
    })
  },

  async append(batch) {
    await transact(
      client,
      [
        ...batch.leaves.map((leaf) => sealEvent(tableName, leaf)),
        ...batch.leaves.map((leaf) =>
          putOnce(tableName, {
            ...keys.treeNode(0, leaf.leafIndex),
            hash: { S: toHex(leaf.hash) },
            // Not `eventId`: that attribute puts items into the by-event index, which holds events only.
            leafEvent: { S: leaf.event.eventId },
            eventHash: { S: leaf.event.hash },
          }),
        ),
        ...batch.nodes.map((node) =>
          putOnce(tableName, { ...keys.treeNode(node.level, node.index), hash: { S: toHex(node.hash) } }),
        ),
        moveHead(tableName, batch),
      ],
      'head',
    )
  },

  async putCheckpoint(checkpoint, previous) {
    await transact(
      client,
      [
        putOnce(tableName, {
          ...keys.checkpoint(checkpoint.treeSize),
          treeSize: number(checkpoint.treeSize),
          rootHash: { S: checkpoint.rootHash },
          jws: { S: checkpoint.jws },
        }),
        {
          Update: {
            TableName: tableName,
            Key: keys.treeHead(),
            UpdateExpression:
              'SET #checkpointed = :treeSize, #checkpointRoot = :rootHash, #checkpointJws = :jws',
            ConditionExpression: '#size = :treeSize AND #checkpointed = :previous',
            ExpressionAttributeNames: named('size', 'checkpointed', 'checkpointRoot', 'checkpointJws'),
            ExpressionAttributeValues: {
              ':treeSize': number(checkpoint.treeSize),
              ':rootHash': { S: checkpoint.rootHash },
              ':jws': { S: checkpoint.jws },
              ':previous': number(previous),
            },
          },
        },
      ],
      'checkpoint',
    )
  },

  async markArchived(treeSize) {
    try {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: keys.treeHead(),
          UpdateExpression: 'SET #archived = :treeSize',
          ConditionExpression: '#archived < :treeSize',
          ExpressionAttributeNames: named('archived'),
          ExpressionAttributeValues: { ':treeSize': number(treeSize) },
        }),
      )
    } catch (error) {
      // Someone marked it (or more) first, or is writing the head right now: the next run looks again.
      if (error instanceof ConditionalCheckFailedException || error instanceof TransactionConflictException)
        return
      throw error
    }
  },
})
