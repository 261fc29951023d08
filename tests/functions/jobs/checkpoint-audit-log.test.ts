import { GetObjectCommand } from '@aws-sdk/client-s3'
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { checkpointKey } from '#functions/adapters/s3-checkpoint-archive.js'
import { s3Client } from '#functions/dependencies/s3.js'
import { type CheckpointRun, checkpointLog } from '#shared/audit/checkpoint-log.js'
import { localCheckpointer } from '../../support/audit-checkpoints.js'
import { call, exchange, uniqueId } from '../../support/exchange-client.js'
import { localDynamodb, localSettings } from '../../support/local-documents.js'
import {
  auditWriter,
  commitEvents,
  participantEvents,
  storedCheckpoints,
  storedLeaves,
  treeProblems,
} from '../../support/stored-audit-tree.js'

const s3 = s3Client(localSettings)
const checkpointer = localCheckpointer
const writer = auditWriter(localDynamodb, localSettings.AUDIT_TABLE)

afterAll(() => s3.destroy())

/**
 * Runs checkpointers until every event of `actor` is in the tree: other test files add events to
 * the same log meanwhile, and a run takes at most its limit of the oldest.
 */
const sealAll = async (actor: string, parallel = 1) => {
  const runs: CheckpointRun[] = []
  for (let round = 0; round < 20; round++) {
    runs.push(...(await Promise.all(Array.from({ length: parallel }, () => checkpointLog(checkpointer())))))
    const events = await participantEvents(localDynamodb, localSettings.AUDIT_TABLE, actor)
    if (events.every((event) => event.leafIndex !== undefined)) return { runs, events }
  }
  throw new Error(`the events of ${actor} were not all sealed in 20 rounds`)
}

/** The stored tree and every checkpoint, checked against each other. */
const expectWholeTree = async () => {
  const leaves = await storedLeaves(localDynamodb, localSettings.AUDIT_TABLE)
  const checkpoints = await storedCheckpoints(localDynamodb, localSettings.AUDIT_TABLE)
  expect(treeProblems(leaves, checkpoints)).toEqual([])
  return { leaves, checkpoints }
}

describe('the audit checkpointer job', () => {
  it('gives every new event a leaf of its own and its leafIndex, hash unchanged', async () => {
    const actor = uniqueId('ckpt')
    await commitEvents(writer, actor, 60)
    const { events } = await sealAll(actor)
    const { leaves } = await expectWholeTree()
    expect(new Set(events.map((event) => event.leafIndex)).size).toBe(60)
    for (const event of events) {
      expect(leaves[event.leafIndex ?? -1]).toMatchObject({ eventId: event.eventId, eventHash: event.hash })
    }
  })

  it('signs a checkpoint that verifies with the published keys over the root of the first treeSize events', async () => {
    const actor = uniqueId('ckpt')
    await commitEvents(writer, actor, 7)
    const { runs } = await sealAll(actor)
    const signed = runs.flatMap((run) => (run.checkpoint === undefined ? [] : [run.checkpoint]))
    expect(signed.length).toBeGreaterThan(0)
    const { checkpoints } = await expectWholeTree()
    const jwks = createLocalJWKSet((await call('GET', '/.well-known/jwks.json')).body)
    for (const { treeSize } of signed) {
      const stored = checkpoints.find((checkpoint) => checkpoint.treeSize === treeSize)
      if (stored === undefined) throw new Error(`no checkpoint of ${treeSize}`)
      const { payload, protectedHeader } = await jwtVerify(stored.jws, jwks, {
        issuer: exchange.exchangeId,
        audience: exchange.exchangeId,
        typ: 'exchange-checkpoint+jwt',
      })
      expect(protectedHeader.alg).toBe('ES256')
      expect(payload).toMatchObject({ treeSize, rootHash: stored.rootHash })
    }
  })

  it('writes each checkpoint it signs to the sealed bucket under its size', async () => {
    const actor = uniqueId('ckpt')
    await commitEvents(writer, actor, 3)
    const { runs } = await sealAll(actor)
    const { checkpoints } = await expectWholeTree()
    for (const run of runs) {
      if (run.checkpoint === undefined) continue
      const object = await s3.send(
        new GetObjectCommand({
          Bucket: localSettings.SEALED_BUCKET,
          Key: checkpointKey(run.checkpoint.treeSize),
        }),
      )
      const jws = await object.Body?.transformToString()
      expect(jws).toBe(
        checkpoints.find((checkpoint) => checkpoint.treeSize === run.checkpoint?.treeSize)?.jws,
      )
      expect(decodeJwt(jws ?? '')).toMatchObject(run.checkpoint)
    }
  })

  it('seals every event once and signs every size once when runs overlap', async () => {
    const actors = [uniqueId('ckpt'), uniqueId('ckpt')]
    await Promise.all(actors.map((actor) => commitEvents(writer, actor, 90)))
    const [first] = await Promise.all(actors.map((actor) => sealAll(actor, 3)))
    expect(first?.runs.length).toBeGreaterThanOrEqual(3)
    await expectWholeTree()
  })

  it('runs as the scheduled handler', async () => {
    const actor = uniqueId('ckpt')
    await commitEvents(writer, actor, 2)
    const { handler } = (await import('#functions/jobs/checkpoint-audit-log.js')) as {
      handler: () => Promise<CheckpointRun>
    }
    for (let round = 0; round < 20; round++) {
      await handler()
      const events = await participantEvents(localDynamodb, localSettings.AUDIT_TABLE, actor)
      if (events.every((event) => event.leafIndex !== undefined)) return
    }
    throw new Error('the handler did not seal the events')
  })
})
