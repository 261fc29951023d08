import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dynamodbCheckpointHistory } from '#functions/adapters/dynamodb-checkpoint-history.js'
import { dynamodbEventIndex } from '#functions/adapters/dynamodb-event-index.js'
import { dynamodbEventLocator } from '#functions/adapters/dynamodb-event-locator.js'
import { dynamodbTreeStore } from '#functions/adapters/dynamodb-tree-store.js'
import { dynamodbUnsealedEvents } from '#functions/adapters/dynamodb-unsealed-events.js'
import { joseSignatureVerifier } from '#functions/adapters/jose-signature-verifier.js'
import { exchangeSigner } from '#functions/dependencies/signer.js'
import { type CheckpointDeps, checkpointLog } from '#shared/audit/checkpoint-log.js'
import { type ExportDeps, exportAudit } from '#shared/audit/export-audit.js'
import { leafHash, verifyInclusion } from '#shared/audit/merkle.js'
import { proveInclusion } from '#shared/audit/prove-inclusion.js'
import { fromHex } from '#shared/audit/tree-nodes.js'
import type { Checkpoint } from '#shared/audit/tree-store.js'
import { verifyExport } from '#shared/audit/verify-export.js'
import type { ExchangeSigner } from '#shared/trust/exchange-signer.js'
import { InMemoryCases, RecordingSigner } from '../../support/document-fakes.js'
import { uniqueId } from '../../support/exchange-client.js'
import { localSettings } from '../../support/local-documents.js'
import {
  auditWriter,
  backwardIds,
  commitEvents,
  countingClient,
  participantEvents,
  queueShows,
  scratchAuditTable,
  storedCheckpoints,
  storedLeaves,
  treeProblems,
} from '../../support/stored-audit-tree.js'

/** The checkpointer on a table of its own, archiving into a map instead of the shared bucket. */
const checkpointerOn = (client: DynamoDBClient, tableName: string) => {
  const archived = new Map<number, string>()
  const signer = new RecordingSigner()
  const deps: CheckpointDeps = {
    tree: dynamodbTreeStore(client, tableName),
    unsealed: dynamodbUnsealedEvents(client, tableName),
    archive: {
      async put(checkpoint: Checkpoint) {
        archived.set(checkpoint.treeSize, checkpoint.jws)
      },
    },
    signer,
    exchangeId: 'exchange-test',
    clock: () => new Date(),
  }
  return { deps, archived, signer }
}

const { client, calls } = countingClient()
let table: Awaited<ReturnType<typeof scratchAuditTable>>
const writer = () => auditWriter(client, table.tableName)

beforeAll(async () => {
  table = await scratchAuditTable(client)
})

afterAll(async () => {
  await table.drop()
  client.destroy()
})

/** A whole export of an audit table's log, every part joined, as the offline verifier finds it. */
const verifiedWholeExport = async (tableName: string, signer: ExchangeSigner) => {
  const deps: ExportDeps = {
    events: dynamodbEventIndex(client, tableName),
    tree: dynamodbTreeStore(client, tableName),
    checkpoints: dynamodbCheckpointHistory(client, tableName),
    publicKeys: () => signer.publicKeys(),
    exchangeId: 'exchange-test',
    clock: () => new Date(),
  }
  let text = ''
  let cursor: string | undefined
  do {
    const part = await exportAudit(deps, {
      query: cursor === undefined ? {} : { cursor },
      caller: { participant: 'auditor' },
    })
    text += part.text
    cursor = part.nextCursor
  } while (cursor !== undefined)
  return verifyExport({ verifier: joseSignatureVerifier() }, text.trimEnd().split('\n'))
}

/** Runs the checkpointer once more with no new events, and the calls it made. */
const measuredRun = async (deps: CheckpointDeps) => {
  calls.clear()
  const run = await checkpointLog(deps)
  return { run, calls: Object.fromEntries(calls) }
}

describe('the DynamoDB tree store', () => {
  it('seals a log run by run; each checkpoint is the root of the leaves before it', async () => {
    const { deps, archived } = checkpointerOn(client, table.tableName)
    const actor = uniqueId('tree')
    await commitEvents(writer(), actor, 75)
    const first = await checkpointLog(deps)
    expect(first).toMatchObject({
      appended: 75,
      treeSize: 75,
      checkpoint: { treeSize: 75 },
      contended: false,
    })
    await commitEvents(writer(), actor, 130)
    const second = await checkpointLog(deps)
    expect(second).toMatchObject({ appended: 130, treeSize: 205, checkpoint: { treeSize: 205 } })

    const events = await participantEvents(client, table.tableName, actor)
    const leaves = await storedLeaves(client, table.tableName)
    const checkpoints = await storedCheckpoints(client, table.tableName)
    expect(treeProblems(leaves, checkpoints)).toEqual([])
    expect(checkpoints.map(({ treeSize }) => treeSize)).toEqual([75, 205])
    expect([...archived.keys()]).toEqual([75, 205])
    for (const event of events) {
      const leaf = leaves[event.leafIndex ?? -1]
      expect(leaf).toMatchObject({ eventId: event.eventId, eventHash: event.hash })
    }
    const indexes = events.map((event) => event.leafIndex).sort((a = 0, b = 0) => a - b)
    expect(indexes).toEqual(Array.from({ length: 205 }, (_, i) => i))
  })

  it('signs no new checkpoint when no event is new', async () => {
    const { deps, signer } = checkpointerOn(client, table.tableName)
    await commitEvents(writer(), uniqueId('tree'), 3)
    await checkpointLog(deps)
    const before = await storedCheckpoints(client, table.tableName)
    const { run, calls: made } = await measuredRun(deps)
    expect(run).toMatchObject({ appended: 0, checkpoint: undefined })
    expect(await storedCheckpoints(client, table.tableName)).toEqual(before)
    expect(signer.signed).toHaveLength(1)
    // The head and one look at the queue: nothing else.
    expect(made).toEqual({ GetItemCommand: 1, QueryCommand: 1 })
  })

  it('lets concurrent runs seal every event once and sign every size once', async () => {
    const actor = uniqueId('tree')
    await commitEvents(writer(), actor, 240)
    const runs = await Promise.all(
      [1, 2, 3].map(() => checkpointLog(checkpointerOn(client, table.tableName).deps)),
    )
    await checkpointLog(checkpointerOn(client, table.tableName).deps)
    expect(runs.some((run) => run.appended > 0)).toBe(true)
    const events = await participantEvents(client, table.tableName, actor)
    expect(events.every((event) => event.leafIndex !== undefined)).toBe(true)
    const leaves = await storedLeaves(client, table.tableName)
    const checkpoints = await storedCheckpoints(client, table.tableName)
    expect(treeProblems(leaves, checkpoints)).toEqual([])
    expect(checkpoints.at(-1)?.treeSize).toBe(leaves.length)
  })

  it('costs the same calls for ten new events on a log of 100 as on one of 1,000', async () => {
    const own = await scratchAuditTable(client)
    try {
      const { deps } = checkpointerOn(client, own.tableName)
      const events = auditWriter(client, own.tableName)
      const actor = uniqueId('cost')
      const measured: Record<string, Record<string, number>> = {}
      for (const logSize of [100, 1000]) {
        const have = (await dynamodbTreeStore(client, own.tableName).head()).frontier.size
        await commitEvents(events, actor, logSize - 10 - have)
        // On a busy machine a run may stop at its time limit: the backlog takes what runs it takes.
        for (let size = have; size < logSize - 10; ) size = (await checkpointLog(deps)).treeSize
        await commitEvents(events, actor, 10)
        const { run, calls: made } = await measuredRun(deps)
        expect(run).toMatchObject({ appended: 10, treeSize: logSize })
        measured[logSize] = made
      }
      expect(measured[1000]).toEqual(measured[100])
      expect(measured[100]).toEqual({
        GetItemCommand: 1,
        QueryCommand: 1,
        BatchGetItemCommand: 1,
        TransactWriteItemsCommand: 2,
        UpdateItemCommand: 1,
      })
    } finally {
      await own.drop()
    }
  })

  it('proves an event from the stored nodes', async () => {
    const { deps } = checkpointerOn(client, table.tableName)
    const actor = uniqueId('tree')
    await commitEvents(writer(), actor, 5)
    await checkpointLog(deps)
    const tree = dynamodbTreeStore(client, table.tableName)
    const [event] = await participantEvents(client, table.tableName, actor)
    if (event === undefined) throw new Error('no event')
    const proof = await proveInclusion(
      { tree, events: dynamodbEventLocator(client, table.tableName), parties: new InMemoryCases() },
      { eventId: event.eventId, caller: { participant: 'auditor', sub: 'test', roles: ['auditor'] } },
    )
    const { checkpoint } = await tree.head()
    expect(proof).toMatchObject({ leafIndex: event.leafIndex, treeSize: checkpoint?.treeSize })
    const root = fromHex(checkpoint?.rootHash ?? '')
    const path = proof.auditPath.map(fromHex)
    expect(verifyInclusion(proof.leafIndex, proof.treeSize, leafHash(fromHex(event.hash)), path, root)).toBe(
      true,
    )
  })

  it('seals a log whose ids and queue disagree with its chains so that a whole export verifies after every run', async () => {
    const own = await scratchAuditTable(client)
    try {
      const signer = exchangeSigner(localSettings)
      const deps = { ...checkpointerOn(client, own.tableName).deps, signer }
      // Within one millisecond every event's id sorts before its predecessor's.
      const writes = { ...auditWriter(client, own.tableName), newEventId: backwardIds() }
      const [actor, other] = [uniqueId('chain'), uniqueId('chain')]
      await commitEvents(writes, actor, 6)
      await commitEvents(writes, other, 2)
      await queueShows(client, own.tableName, { participant: actor, seq: 2 }, false)

      expect(await checkpointLog(deps)).toMatchObject({ appended: 3, treeSize: 3, heldBack: 4 })
      expect(await verifiedWholeExport(own.tableName, signer)).toMatchObject({
        valid: true,
        treeSize: 3,
        events: 3,
        problems: [],
      })

      await queueShows(client, own.tableName, { participant: actor, seq: 2 }, true)
      expect(await checkpointLog(deps)).toMatchObject({ appended: 5, treeSize: 8, heldBack: 0 })
      expect(await verifiedWholeExport(own.tableName, signer)).toMatchObject({
        valid: true,
        treeSize: 8,
        events: 8,
        problems: [],
      })
      for (const participant of [actor, other]) {
        const indexes = (await participantEvents(client, own.tableName, participant)).map(
          (event) => event.leafIndex ?? -1,
        )
        expect(indexes).toEqual([...indexes].sort((a, b) => a - b))
      }
      expect(
        treeProblems(
          await storedLeaves(client, own.tableName),
          await storedCheckpoints(client, own.tableName),
        ),
      ).toEqual([])
    } finally {
      await own.drop()
    }
  })
})
