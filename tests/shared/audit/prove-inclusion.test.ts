import { describe, expect, it } from 'vitest'
import { checkpointLog } from '#shared/audit/checkpoint-log.js'
import { leafHash, rootOf, verifyInclusion } from '#shared/audit/merkle.js'
import { type EventLocator, type InclusionDeps, proveInclusion } from '#shared/audit/prove-inclusion.js'
import { fromHex } from '#shared/audit/tree-nodes.js'
import { DomainError } from '#shared/errors.js'
import type { Principal } from '#shared/trust/principal.js'
import { InMemoryCases, RecordingSigner } from '../../support/document-fakes.js'
import { type FakeEvent, fakeEvents, InMemoryAuditTree } from '../../support/in-memory-audit-tree.js'

const auditor: Principal = { participant: 'auditor-1', sub: 'desk', roles: ['auditor'] }
const home: Principal = { participant: 'home-1', sub: 'desk', roles: ['home'] }
const stranger: Principal = { participant: 'other-1', sub: 'desk', roles: ['accepting', 'home'] }

/** A log of 40 events, the first 30 of case `case-1` (accepting-1 → home-1), the rest without a case. */
const setup = async () => {
  const tree = new InMemoryAuditTree()
  const events = fakeEvents(40)
  const caseOf = new Map(events.map((event, i) => [event.eventId, i < 30 ? 'case-1' : undefined]))
  tree.add(events)
  const locator: EventLocator = {
    async locate(eventId) {
      const event = tree.events.get(eventId)
      return event === undefined ? undefined : { caseId: caseOf.get(eventId), leafIndex: event.leafIndex }
    },
  }
  const cases = new InMemoryCases()
  cases.parties.set('case-1', { accepting: 'accepting-1', homes: ['home-1'] })
  const deps: InclusionDeps = { tree, events: locator, parties: cases }
  const checkpointer = {
    tree,
    unsealed: tree,
    archive: tree,
    signer: new RecordingSigner(),
    exchangeId: 'exchange-test',
    clock: () => new Date(),
  }
  await checkpointLog(checkpointer)
  return { tree, events, deps, checkpointer }
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  if (!(error instanceof DomainError)) throw new Error(`expected a refusal, got ${String(error)}`)
  return error.code
}

const rootOfTree = (tree: InMemoryAuditTree, size: number) =>
  rootOf(tree.eventHashes().slice(0, size).map(leafHash))

const verifies = (
  tree: InMemoryAuditTree,
  event: FakeEvent,
  proof: Awaited<ReturnType<typeof proveInclusion>>,
) =>
  verifyInclusion(
    proof.leafIndex,
    proof.treeSize,
    leafHash(fromHex(event.hash)),
    proof.auditPath.map(fromHex),
    rootOfTree(tree, proof.treeSize),
  )

describe('inclusion proofs', () => {
  it('proves any event to an auditor against the latest checkpoint', async () => {
    const { tree, events, deps } = await setup()
    for (const event of [events[0], events[17], events[39]] as FakeEvent[]) {
      const proof = await proveInclusion(deps, { eventId: event.eventId, caller: auditor })
      expect(proof.treeSize).toBe(40)
      expect(proof.checkpoint).toBe(tree.checkpoints.get(40)?.jws)
      expect(proof.leafIndex).toBe(tree.events.get(event.eventId)?.leafIndex)
      expect(verifies(tree, event, proof)).toBe(true)
    }
  })

  it("proves a case's events to its parties", async () => {
    const { tree, events, deps } = await setup()
    const event = events[5] as FakeEvent
    for (const caller of [home, { ...stranger, participant: 'accepting-1' }]) {
      expect(verifies(tree, event, await proveInclusion(deps, { eventId: event.eventId, caller }))).toBe(true)
    }
  })

  it('answers not-found to anyone else, and for events without a case to all but auditors', async () => {
    const { events, deps } = await setup()
    const caseEvent = events[5] as FakeEvent
    const ownEvent = events[35] as FakeEvent
    expect(await refusal(proveInclusion(deps, { eventId: caseEvent.eventId, caller: stranger }))).toBe(
      'not-found',
    )
    expect(await refusal(proveInclusion(deps, { eventId: ownEvent.eventId, caller: home }))).toBe('not-found')
  })

  it('answers not-found for an unknown event', async () => {
    const { deps } = await setup()
    expect(await refusal(proveInclusion(deps, { eventId: 'no-such-event', caller: auditor }))).toBe(
      'not-found',
    )
  })

  it('answers not-found for an event not in a checkpoint yet, and proves it once it is', async () => {
    const { tree, deps, checkpointer } = await setup()
    const [late] = fakeEvents(1) as [FakeEvent]
    tree.add([late])
    expect(await refusal(proveInclusion(deps, { eventId: late.eventId, caller: auditor }))).toBe('not-found')
    await checkpointLog(checkpointer)
    const proof = await proveInclusion(deps, { eventId: late.eventId, caller: auditor })
    expect(proof).toMatchObject({ leafIndex: 40, treeSize: 41 })
    expect(verifies(tree, late, proof)).toBe(true)
  })

  it('reads the nodes of a proof in one call', async () => {
    const { tree, events, deps } = await setup()
    tree.nodeCalls = 0
    await proveInclusion(deps, { eventId: (events[3] as FakeEvent).eventId, caller: auditor })
    expect(tree.nodeCalls).toBe(1)
    expect(tree.nodeReads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(40)))
  })
})
