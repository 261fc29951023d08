import { describe, expect, it } from 'vitest'
import { type CheckpointDeps, checkpointLog } from '#shared/audit/checkpoint-log.js'
import { leafHash, rootOf } from '#shared/audit/merkle.js'
import { innerNodesCompleted, toHex } from '#shared/audit/tree-nodes.js'
import { RecordingSigner } from '../../support/document-fakes.js'
import { chainEvents, fakeEvents, InMemoryAuditTree } from '../../support/in-memory-audit-tree.js'

const setup = (capacity = 100) => {
  const tree = new InMemoryAuditTree()
  tree.appendCapacity = capacity
  const signer = new RecordingSigner()
  const deps: CheckpointDeps = {
    tree,
    unsealed: tree,
    archive: tree,
    signer,
    exchangeId: 'exchange-test',
    clock: () => new Date('2026-11-21T02:00:00.000Z'),
  }
  return { tree, signer, deps }
}

/**
 * Three chains of 70 events whose ids disagree with their order: events seq 2k-1 and 2k of every
 * chain share a millisecond, in which 2k's id sorts first, and the chains interleave. Each
 * millisecond is six ids: 2k of a, b and c, then 2k-1 of a, b and c.
 */
const interleavedChains = () =>
  ['a', 'b', 'c'].flatMap((chain) =>
    chainEvents(
      `case#${chain}`,
      Array.from({ length: 70 }, (_, i) => {
        const seq = i + 1
        return `ms-${String(Math.ceil(seq / 2)).padStart(4, '0')}-${seq % 2 === 0 ? 'a' : 'z'}-${chain}`
      }),
    ),
  )

/** Each chain's leaf indexes in seq order (undefined: not a leaf). */
const leafIndexesByChain = (tree: InMemoryAuditTree) => {
  const chains = new Map<string, (number | undefined)[]>()
  for (const event of [...tree.events.values()].sort((a, b) => a.seq - b.seq))
    chains.set(event.chain, [...(chains.get(event.chain) ?? []), event.leafIndex])
  return Object.fromEntries(chains)
}

/** Numbers in ascending order, to compare a chain's leaf indexes with. */
const ascending = (values: readonly (number | undefined)[]) => [...values].sort((a = 0, b = 0) => a - b)

/** The root of the first `size` leaves, from the events' hashes in leaf order. */
const rootOfLeaves = (tree: InMemoryAuditTree, size: number) =>
  toHex(rootOf(tree.eventHashes().slice(0, size).map(leafHash)))

describe('the checkpointer', () => {
  it('appends every new event in event id order with contiguous leaf indexes and signs their root', async () => {
    const { tree, signer, deps } = setup()
    const events = fakeEvents(57)
    tree.add([...events].reverse())
    const run = await checkpointLog(deps)
    expect(run).toMatchObject({ appended: 57, treeSize: 57, contended: false })
    expect(tree.leafEvents()).toEqual(events.map((event) => event.eventId))
    expect(run.checkpoint).toEqual({ treeSize: 57, rootHash: rootOfLeaves(tree, 57) })
    expect(signer.signed).toEqual([
      {
        typ: 'exchange-checkpoint+jwt',
        claims: {
          iss: 'exchange-test',
          iat: Date.parse('2026-11-21T02:00:00.000Z') / 1000,
          aud: 'exchange-test',
          treeSize: 57,
          rootHash: rootOfLeaves(tree, 57),
        },
      },
    ])
  })

  it('archives each checkpoint it signs under its size', async () => {
    const { tree, deps } = setup()
    tree.add(fakeEvents(5))
    await checkpointLog(deps)
    expect([...tree.archived.keys()]).toEqual([5])
    expect(tree.archived.get(5)).toBe(tree.checkpoints.get(5)?.jws)
    expect(tree.current.archivedSize).toBe(5)
  })

  it('signs nothing when no event is new', async () => {
    const { tree, signer, deps } = setup()
    tree.add(fakeEvents(3))
    await checkpointLog(deps)
    const again = await checkpointLog(deps)
    expect(again).toEqual({ appended: 0, treeSize: 3, checkpoint: undefined, contended: false, heldBack: 0 })
    expect(signer.signed).toHaveLength(1)
    expect([...tree.checkpoints.keys()]).toEqual([3])
  })

  it('signs nothing for an empty log', async () => {
    const { tree, signer, deps } = setup()
    expect(await checkpointLog(deps)).toEqual({
      appended: 0,
      treeSize: 0,
      checkpoint: undefined,
      contended: false,
      heldBack: 0,
    })
    expect(signer.signed).toEqual([])
    expect(tree.checkpoints.size).toBe(0)
  })

  it('extends the tree run after run, each checkpoint over all leaves so far', async () => {
    const { tree, deps } = setup()
    let size = 0
    for (const count of [1, 4, 9, 33, 2]) {
      tree.add(fakeEvents(count))
      size += count
      const run = await checkpointLog(deps)
      expect(run.checkpoint).toEqual({ treeSize: size, rootHash: rootOfLeaves(tree, size) })
    }
    expect([...tree.checkpoints.keys()]).toEqual([1, 5, 14, 47, 49])
  })

  it('keeps every append within what the store can write at once', async () => {
    const { tree, deps } = setup(12)
    tree.add(fakeEvents(150))
    const run = await checkpointLog(deps)
    expect(run.checkpoint?.treeSize).toBe(150)
    expect(run.checkpoint?.rootHash).toBe(rootOfLeaves(tree, 150))
    for (const batch of tree.appends) {
      expect(2 * batch.leaves.length + batch.nodes.length + 1).toBeLessThanOrEqual(12)
    }
    expect(tree.appends.length).toBeGreaterThan(150 / 5)
  })

  it('fills appends as far as the store allows', async () => {
    const { tree, deps } = setup()
    tree.add(fakeEvents(400))
    await checkpointLog(deps)
    const itemsOf = (from: number, count: number) => 2 * count + innerNodesCompleted(from, count) + 1
    for (const batch of tree.appends.slice(0, -1)) {
      expect(itemsOf(batch.from, batch.leaves.length)).toBeLessThanOrEqual(100)
      expect(itemsOf(batch.from, batch.leaves.length + 1)).toBeGreaterThan(100)
    }
    // Each event takes its own item and its leaf's, plus about one inner node: ~33 a transaction.
    expect(tree.appends.length).toBe(Math.ceil(400 / 33))
  })

  it('stops at its limit and leaves the rest to the next run', async () => {
    const { tree, deps } = setup()
    tree.add(fakeEvents(250))
    expect(await checkpointLog(deps, { maxLeaves: 120 })).toMatchObject({ appended: 120, treeSize: 120 })
    expect(await checkpointLog(deps, { maxLeaves: 120 })).toMatchObject({ appended: 120, treeSize: 240 })
    expect(await checkpointLog(deps, { maxLeaves: 120 })).toMatchObject({ appended: 10, treeSize: 250 })
    expect(tree.checkpoints.get(250)?.rootHash).toBe(rootOfLeaves(tree, 250))
  })

  it('starts no append once its time is up, and signs what it appended', async () => {
    const { tree, deps } = setup()
    tree.add(fakeEvents(150))
    let now = 0
    const run = await checkpointLog(
      {
        ...deps,
        // Every look at the clock finds a second more gone.
        clock: () => {
          now += 1000
          return new Date(now)
        },
      },
      { maxMillis: 2500 },
    )
    expect(run.appended).toBeGreaterThan(0)
    expect(run.appended).toBeLessThan(150)
    expect(run.checkpoint?.treeSize).toBe(run.appended)
  })

  it('runs twice at once without sealing an event twice or signing a size twice', async () => {
    const { tree, signer, deps } = setup(20)
    tree.add(fakeEvents(300))
    const runs = await Promise.all([checkpointLog(deps), checkpointLog(deps), checkpointLog(deps)])
    const remaining = await checkpointLog(deps)
    const leaves = tree.leafEvents()
    expect(new Set(leaves).size).toBe(300)
    expect(leaves).toHaveLength(300)
    expect(runs.reduce((sum, run) => sum + run.appended, 0) + remaining.appended).toBe(300)
    const sizes = signer.signed.map(({ claims }) => claims.treeSize)
    expect(new Set([...tree.checkpoints.keys()]).size).toBe(tree.checkpoints.size)
    for (const [size, checkpoint] of tree.checkpoints)
      expect(checkpoint.rootHash).toBe(rootOfLeaves(tree, size))
    expect(Math.max(...tree.checkpoints.keys())).toBe(300)
    expect(sizes.length).toBeGreaterThanOrEqual(tree.checkpoints.size)
  })

  it('stops appending when another checkpointer moved the head first', async () => {
    const { tree, deps } = setup()
    tree.add(fakeEvents(10))
    let other: Awaited<ReturnType<typeof checkpointLog>> | undefined
    tree.beforeAppend = async () => {
      other = await checkpointLog(deps)
    }
    const run = await checkpointLog(deps)
    expect(other).toMatchObject({ appended: 10, checkpoint: { treeSize: 10 } })
    expect(run).toEqual({ appended: 0, treeSize: 10, checkpoint: undefined, contended: true, heldBack: 0 })
    expect(tree.leafEvents()).toHaveLength(10)
    expect([...tree.checkpoints.keys()]).toEqual([10])
  })

  it('tries an append again that lost only to a transaction on one of its events', async () => {
    const { tree, deps } = setup()
    tree.add(fakeEvents(10))
    tree.contendedAppends = 2
    expect(await checkpointLog(deps)).toMatchObject({ appended: 10, contended: false })
    tree.add(fakeEvents(10))
    tree.contendedAppends = 3
    expect(await checkpointLog(deps)).toMatchObject({ appended: 0, contended: true, treeSize: 10 })
    expect(await checkpointLog(deps)).toMatchObject({ appended: 10, treeSize: 20 })
  })

  it('signs a head a crashed run appended but did not sign, without new events', async () => {
    const { tree, signer, deps } = setup()
    tree.add(fakeEvents(8))
    tree.failNext = 'putCheckpoint'
    await expect(checkpointLog(deps)).rejects.toThrow('putCheckpoint crashed')
    expect(tree.checkpoints.size).toBe(0)
    const run = await checkpointLog(deps)
    expect(run).toMatchObject({ appended: 0, checkpoint: { treeSize: 8, rootHash: rootOfLeaves(tree, 8) } })
    expect(signer.signed).toHaveLength(2)
    expect([...tree.archived.keys()]).toEqual([8])
  })

  it('archives a checkpoint a crashed run did not, before signing the next', async () => {
    const { tree, deps } = setup()
    tree.add(fakeEvents(8))
    tree.failNext = 'put'
    await expect(checkpointLog(deps)).rejects.toThrow('put crashed')
    expect(tree.checkpoints.has(8)).toBe(true)
    expect(tree.archived.size).toBe(0)
    await checkpointLog(deps)
    expect([...tree.archived.keys()]).toEqual([8])
    tree.add(fakeEvents(2))
    await checkpointLog(deps)
    expect([...tree.archived.keys()]).toEqual([8, 10])
  })
})

describe('the checkpointer and the chains of the log', () => {
  it("makes an event whose id sorts before its predecessor's (one millisecond) a leaf right behind it", async () => {
    const { tree, deps } = setup()
    tree.add([...chainEvents('case#a', ['ms-0001-c', 'ms-0001-a']), ...chainEvents('case#b', ['ms-0001-b'])])
    const run = await checkpointLog(deps)
    expect(run).toMatchObject({ appended: 3, treeSize: 3, heldBack: 0 })
    expect(tree.leafEvents()).toEqual(['ms-0001-b', 'ms-0001-c', 'ms-0001-a'])
    expect(run.checkpoint).toEqual({ treeSize: 3, rootHash: rootOfLeaves(tree, 3) })
  })

  it('holds back an event whose predecessor the queue does not show yet, and seals it behind it in the next run', async () => {
    const { tree, deps } = setup()
    tree.add([...chainEvents('case#a', ['e-1', 'e-2']), ...chainEvents('case#b', ['e-3'])])
    tree.lagging.add('e-1')
    const first = await checkpointLog(deps)
    expect(first).toMatchObject({ appended: 1, treeSize: 1, heldBack: 1, checkpoint: { treeSize: 1 } })
    expect(tree.leafEvents()).toEqual(['e-3'])
    expect(tree.events.get('e-2')?.leafIndex).toBeUndefined()
    tree.lagging.delete('e-1')
    const second = await checkpointLog(deps)
    expect(second).toMatchObject({ appended: 2, treeSize: 3, heldBack: 0, checkpoint: { treeSize: 3 } })
    expect(tree.leafEvents()).toEqual(['e-3', 'e-1', 'e-2'])
  })

  it('keeps holding back, run after run, an event whose predecessor stays out of the queue', async () => {
    const { tree, signer, deps } = setup()
    tree.add(chainEvents('case#a', ['e-1', 'e-2', 'e-3']))
    tree.lagging.add('e-1')
    for (let run = 0; run < 2; run++)
      expect(await checkpointLog(deps)).toEqual({
        appended: 0,
        treeSize: 0,
        checkpoint: undefined,
        contended: false,
        heldBack: 2,
      })
    expect(leafIndexesByChain(tree)).toEqual({ 'case#a': [undefined, undefined, undefined] })
    expect(signer.signed).toEqual([])
  })

  it('appends an event at once whose predecessor an earlier run sealed', async () => {
    const { tree, deps } = setup()
    tree.add(chainEvents('case#a', ['e-2']))
    await checkpointLog(deps)
    tree.add([...chainEvents('case#a', ['e-1'], 2), ...chainEvents('case#b', ['e-3'])])
    expect(await checkpointLog(deps)).toMatchObject({ appended: 2, heldBack: 0 })
    expect(tree.leafEvents()).toEqual(['e-2', 'e-1', 'e-3'])
  })

  it('keeps each chain in order across pages and appends of the queue', async () => {
    const { tree, deps } = setup(12)
    tree.add(interleavedChains())
    const run = await checkpointLog(deps)
    expect(run).toMatchObject({ appended: 210, treeSize: 210, heldBack: 0 })
    const chains = leafIndexesByChain(tree)
    for (const indexes of Object.values(chains)) expect(indexes).toEqual(ascending(indexes))
    // The first page ends between events of b and c and their predecessors: they wait for the second.
    expect(tree.leafEvents().slice(96, 102)).toEqual([
      'ms-0017-z-a',
      'ms-0017-a-a',
      'ms-0017-z-b',
      'ms-0017-a-b',
      'ms-0017-z-c',
      'ms-0017-a-c',
    ])
    expect(run.checkpoint?.rootHash).toBe(rootOfLeaves(tree, 210))
  })

  it('stops at its limit between events and their predecessors, and seals them in the next run', async () => {
    const { tree, deps } = setup()
    tree.add(interleavedChains())
    expect(await checkpointLog(deps, { maxLeaves: 100 })).toMatchObject({ appended: 98, heldBack: 2 })
    expect(leafIndexesByChain(tree)['case#b']?.slice(32, 34)).toEqual([undefined, undefined])
    expect(await checkpointLog(deps, { maxLeaves: 100 })).toMatchObject({ appended: 100, heldBack: 0 })
    expect(await checkpointLog(deps, { maxLeaves: 100 })).toMatchObject({ appended: 12, treeSize: 210 })
    for (const indexes of Object.values(leafIndexesByChain(tree))) expect(indexes).toEqual(ascending(indexes))
  })

  it('runs three at once on chains whose ids disagree with their order, every chain in order', async () => {
    const { tree, deps } = setup(20)
    tree.add(interleavedChains())
    await Promise.all([checkpointLog(deps), checkpointLog(deps), checkpointLog(deps)])
    await checkpointLog(deps)
    expect(new Set(tree.leafEvents()).size).toBe(210)
    for (const indexes of Object.values(leafIndexesByChain(tree))) expect(indexes).toEqual(ascending(indexes))
    for (const [size, checkpoint] of tree.checkpoints)
      expect(checkpoint.rootHash).toBe(rootOfLeaves(tree, size))
  })
})
