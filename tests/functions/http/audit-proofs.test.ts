import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent } from '#shared/audit/audit-event.js'
import { checkpointLog } from '#shared/audit/checkpoint-log.js'
import { leafHash, verifyConsistency, verifyInclusion } from '#shared/audit/merkle.js'
import { fromHex } from '#shared/audit/tree-nodes.js'
import { localCheckpointer } from '../../support/audit-checkpoints.js'
import { caseEvents, submitCase } from '../../support/case-flows.js'
import {
  type Caller,
  call,
  exchange,
  expectProblem,
  registerParticipant,
  uniqueId,
} from '../../support/exchange-client.js'
import { handoffSetting } from '../../support/handoff-fixtures.js'
import { localDynamodb, localSettings } from '../../support/local-documents.js'
import { auditWriter, commitEvents, participantEvents } from '../../support/stored-audit-tree.js'

const checkpointer = localCheckpointer
const writer = auditWriter(localDynamodb, localSettings.AUDIT_TABLE)

/** Runs the checkpointer until every event `read` answers is in the tree; answers them as stored. */
const sealed = async (read: () => Promise<AuditEvent[]>) => {
  for (let round = 0; round < 20; round++) {
    await checkpointLog(checkpointer())
    const events = await read()
    if (events.every((event) => event.leafIndex !== undefined)) return events
  }
  throw new Error('the events were not sealed in 20 rounds')
}

/** The latest checkpoint as `caller` reads it, verified with the published keys. */
const latest = async (caller: Caller) => {
  const answer = await call('GET', '/v1/audit/checkpoints/latest', { as: caller })
  expect(answer.status).toBe(200)
  const jwks = createLocalJWKSet((await call('GET', '/.well-known/jwks.json')).body)
  const { payload } = await jwtVerify(answer.body.checkpoint, jwks, {
    issuer: exchange.exchangeId,
    audience: exchange.exchangeId,
    typ: 'exchange-checkpoint+jwt',
  })
  return { treeSize: payload.treeSize as number, rootHash: payload.rootHash as string }
}

/** Whether an answered inclusion proof leads from the event to its checkpoint's root. */
const proves = (
  event: AuditEvent,
  proof: { leafIndex: number; treeSize: number; auditPath: string[]; checkpoint: string },
) => {
  const claims = decodeJwt(proof.checkpoint)
  return (
    claims.treeSize === proof.treeSize &&
    verifyInclusion(
      proof.leafIndex,
      proof.treeSize,
      leafHash(fromHex(event.hash)),
      proof.auditPath.map(fromHex),
      fromHex(claims.rootHash as string),
    )
  )
}

let setting: Awaited<ReturnType<typeof handoffSetting>>
let auditor: Caller
let stranger: Caller
let caseEvent: AuditEvent
let ownEvent: AuditEvent

beforeAll(async () => {
  setting = await handoffSetting()
  ;[auditor, stranger] = await Promise.all([registerParticipant(['auditor']), registerParticipant(['home'])])
  const { caseId } = await submitCase(setting)
  await commitEvents(writer, stranger.id, 1)
  const [first] = await sealed(() => caseEvents(caseId))
  const [own] = await sealed(() => participantEvents(localDynamodb, localSettings.AUDIT_TABLE, stranger.id))
  if (first === undefined || own === undefined) throw new Error('no events to prove')
  caseEvent = first
  ownEvent = own
})

describe('GET /v1/audit/checkpoints/latest', () => {
  it('answers any participant the latest checkpoint, signed by the exchange', async () => {
    const checkpoint = await latest(stranger)
    expect(checkpoint.treeSize).toBeGreaterThan(caseEvent.leafIndex ?? Number.MAX_SAFE_INTEGER)
    expect(checkpoint.rootHash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('answers nobody without a token', async () => {
    expectProblem(await call('GET', '/v1/audit/checkpoints/latest'), 401, 'unauthenticated')
  })
})

describe('GET /v1/audit/proofs/{eventId}', () => {
  it("proves a case's event to its parties and to auditors against the latest checkpoint", async () => {
    for (const caller of [setting.accepting, setting.homes[0] as Caller, auditor]) {
      const answer = await call('GET', `/v1/audit/proofs/${caseEvent.eventId}`, { as: caller })
      expect(answer.status).toBe(200)
      expect(answer.body).toEqual({
        leafIndex: caseEvent.leafIndex,
        treeSize: expect.any(Number),
        auditPath: expect.any(Array),
        checkpoint: expect.any(String),
      })
      expect(proves(caseEvent, answer.body)).toBe(true)
    }
  })

  it('answers 404 to a participant that is not party to the case', async () => {
    expectProblem(
      await call('GET', `/v1/audit/proofs/${caseEvent.eventId}`, { as: stranger }),
      404,
      'not-found',
    )
  })

  it('proves events without a case to auditors only, not even to the actor', async () => {
    expectProblem(
      await call('GET', `/v1/audit/proofs/${ownEvent.eventId}`, { as: stranger }),
      404,
      'not-found',
    )
    const answer = await call('GET', `/v1/audit/proofs/${ownEvent.eventId}`, { as: auditor })
    expect(answer.status).toBe(200)
    expect(proves(ownEvent, answer.body)).toBe(true)
  })

  it('answers 404 for an event that does not exist', async () => {
    const answer = await call('GET', '/v1/audit/proofs/019a9e5c-6d1b-7c3e-9f1a-000000000000', { as: auditor })
    expectProblem(answer, 404, 'not-found')
  })

  it('refuses an id no event can have', async () => {
    const answer = await call('GET', '/v1/audit/proofs/-x', { as: auditor })
    expectProblem(answer, 422, 'validation-failed')
    expect(answer.body.errors).toEqual([{ path: '/params/eventId', message: expect.any(String) }])
  })
})

describe('GET /v1/audit/consistency', () => {
  it('proves to any participant that a later checkpoint extends an earlier one', async () => {
    const before = await latest(stranger)
    const actor = uniqueId('consistency')
    await commitEvents(writer, actor, 5)
    await sealed(() => participantEvents(localDynamodb, localSettings.AUDIT_TABLE, actor))
    const after = await latest(stranger)
    expect(after.treeSize).toBeGreaterThan(before.treeSize)
    const answer = await call('GET', `/v1/audit/consistency?from=${before.treeSize}&to=${after.treeSize}`, {
      as: stranger,
    })
    expect(answer.status).toBe(200)
    const proof = (answer.body.proof as string[]).map(fromHex)
    const ok = verifyConsistency(
      before.treeSize,
      after.treeSize,
      fromHex(before.rootHash),
      fromHex(after.rootHash),
      proof,
    )
    expect(ok).toBe(true)
  })

  it('answers an empty proof between a size and itself', async () => {
    const { treeSize } = await latest(stranger)
    const answer = await call('GET', `/v1/audit/consistency?from=${treeSize}&to=${treeSize}`, {
      as: stranger,
    })
    expect(answer).toMatchObject({ status: 200, body: { proof: [] } })
  })

  it('answers 404 for a size past the latest checkpoint', async () => {
    const { treeSize } = await latest(stranger)
    const answer = await call('GET', `/v1/audit/consistency?from=1&to=${treeSize + 1_000_000}`, {
      as: stranger,
    })
    expectProblem(answer, 404, 'not-found')
  })

  it('refuses sizes no tree can have, naming the parameter', async () => {
    for (const [query, path] of [
      ['from=0&to=5', '/query/from'],
      ['from=5&to=2', '/query/to'],
      ['from=x&to=5', '/query/from'],
      ['from=1', '/query/to'],
      ['from=1.5&to=2', '/query/from'],
    ] as const) {
      const answer = await call('GET', `/v1/audit/consistency?${query}`, { as: stranger })
      expectProblem(answer, 422, 'validation-failed')
      expect(
        answer.body.errors.map((error: { path: string }) => error.path),
        query,
      ).toEqual([path])
    }
  })
})
