import { describe, expect, it } from 'vitest'
import { checkpointLog } from '#shared/audit/checkpoint-log.js'
import { leafHash, rootOf, verifyConsistency } from '#shared/audit/merkle.js'
import { ConsistencyQuery, proveConsistency } from '#shared/audit/prove-consistency.js'
import { fromHex } from '#shared/audit/tree-nodes.js'
import { DomainError } from '#shared/errors.js'
import { RecordingSigner } from '../../support/document-fakes.js'
import { fakeEvents, InMemoryAuditTree } from '../../support/in-memory-audit-tree.js'

const setup = () => {
  const tree = new InMemoryAuditTree()
  const checkpointer = {
    tree,
    unsealed: tree,
    archive: tree,
    signer: new RecordingSigner(),
    exchangeId: 'exchange-test',
    clock: () => new Date(),
  }
  return { tree, checkpointer, deps: { tree } }
}

const rootOfTree = (tree: InMemoryAuditTree, size: number) =>
  rootOf(tree.eventHashes().slice(0, size).map(leafHash))

const code = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: unknown) => (error instanceof DomainError ? error.code : String(error)),
  )

describe('consistency proofs', () => {
  it('proves each checkpoint extends the ones before it', async () => {
    const { tree, checkpointer, deps } = setup()
    for (const count of [3, 10, 1, 50]) {
      tree.add(fakeEvents(count))
      await checkpointLog(checkpointer)
    }
    const sizes = [...tree.checkpoints.keys()]
    expect(sizes).toEqual([3, 13, 14, 64])
    for (const from of sizes) {
      for (const to of sizes.filter((size) => size >= from)) {
        const { proof } = await proveConsistency(deps, { from, to })
        const ok = verifyConsistency(
          from,
          to,
          fromHex(tree.checkpoints.get(from)?.rootHash ?? ''),
          fromHex(tree.checkpoints.get(to)?.rootHash ?? ''),
          proof.map(fromHex),
        )
        expect(ok, `${from} → ${to}`).toBe(true)
      }
    }
  })

  it('proves any two sizes up to the latest checkpoint, in one read of nodes', async () => {
    const { tree, checkpointer, deps } = setup()
    tree.add(fakeEvents(37))
    await checkpointLog(checkpointer)
    tree.nodeCalls = 0
    const { proof } = await proveConsistency(deps, { from: 11, to: 29 })
    expect(tree.nodeCalls).toBe(1)
    expect(verifyConsistency(11, 29, rootOfTree(tree, 11), rootOfTree(tree, 29), proof.map(fromHex))).toBe(
      true,
    )
    expect(await proveConsistency(deps, { from: 37, to: 37 })).toEqual({ proof: [] })
  })

  it('answers not-found for sizes past the latest checkpoint, or before any', async () => {
    const { tree, checkpointer, deps } = setup()
    expect(await code(proveConsistency(deps, { from: 1, to: 1 }))).toBe('not-found')
    tree.add(fakeEvents(5))
    await checkpointLog(checkpointer)
    tree.add(fakeEvents(5))
    expect(await code(proveConsistency(deps, { from: 1, to: 6 }))).toBe('not-found')
    expect(await code(proveConsistency(deps, { from: 1, to: 5 }))).toBe('answered')
  })

  it('takes sizes from 1 up, the smaller first', () => {
    expect(ConsistencyQuery.safeParse({ from: '2', to: '9' })).toMatchObject({
      success: true,
      data: { from: 2, to: 9 },
    })
    for (const query of [
      { from: '0', to: '9' },
      { from: '9', to: '2' },
      { from: 'x', to: '9' },
      { from: '1.5', to: '9' },
      { from: '1' },
      { from: '1', to: '2', extra: '3' },
    ]) {
      expect(ConsistencyQuery.safeParse(query).success, JSON.stringify(query)).toBe(false)
    }
  })
})
