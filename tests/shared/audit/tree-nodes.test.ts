import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '#shared/audit/merkle.js'
import {
  emptyFrontier,
  extendFrontier,
  type Frontier,
  fromHex,
  frontierRoot,
  innerNodesCompleted,
  type NodePosition,
  partsOf,
  proveFromNodes,
  toHex,
} from '#shared/audit/tree-nodes.js'

const leafOf = (i: number) => leafHash(createHash('sha256').update(`event ${i}`).digest())

/** A tree grown in batches of the given sizes, with every node the batches completed. */
const grow = (batches: readonly number[]) => {
  const leaves: Uint8Array[] = []
  const stored = new Map<string, Uint8Array>()
  let frontier: Frontier = emptyFrontier
  const roots: Uint8Array[] = []
  for (const count of batches) {
    const batch = Array.from({ length: count }, (_, i) => leafOf(leaves.length + i))
    const inner = innerNodesCompleted(frontier.size, count)
    const extended = extendFrontier(frontier, batch)
    expect(extended.nodes.filter((node) => node.level > 0)).toHaveLength(inner)
    for (const node of extended.nodes) {
      if (stored.has(`${node.level}/${node.index}`)) throw new Error(`node ${node.level}/${node.index} twice`)
      stored.set(`${node.level}/${node.index}`, node.hash)
    }
    leaves.push(...batch)
    frontier = extended.frontier
    roots.push(frontierRoot(frontier))
  }
  let calls = 0
  let reads = 0
  const read = async (positions: readonly NodePosition[]) => {
    calls += 1
    reads += positions.length
    return positions.map(({ level, index }) => {
      const hash = stored.get(`${level}/${index}`)
      if (hash === undefined) throw new Error(`no node ${level}/${index}`)
      return hash
    })
  }
  const counted = () => ({ calls, reads })
  const reset = () => {
    calls = 0
    reads = 0
  }
  return { leaves, stored, frontier, roots, read, counted, reset }
}

/** Subtree hashes straight from the leaves, as an auditor's own tool would compute them. */
const fromLeaves = (leaves: readonly Uint8Array[]) => async (start: number, size: number) =>
  rootOf(leaves.slice(start, start + size))

const oddBatches = [1, 3, 7, 2, 5, 13, 1, 1, 31, 8, 64, 17, 100, 3]

describe('the stored tree', () => {
  it('has the root of all its leaves after every batch, whatever the batch sizes', () => {
    const tree = grow(oddBatches)
    let size = 0
    oddBatches.forEach((count, i) => {
      size += count
      expect(toHex(tree.roots[i] as Uint8Array)).toBe(toHex(rootOf(tree.leaves.slice(0, size))))
    })
    expect(tree.frontier.size).toBe(tree.leaves.length)
    expect(tree.frontier.hashes).toHaveLength(tree.leaves.length.toString(2).replaceAll('0', '').length)
  })

  it('stores each complete subtree with the hash of its leaves, and no incomplete one', () => {
    const tree = grow(oddBatches)
    for (const [key, hash] of tree.stored) {
      const [level = 0, index = 0] = key.split('/').map(Number)
      const width = 2 ** level
      expect((index + 1) * width).toBeLessThanOrEqual(tree.leaves.length)
      expect(toHex(hash)).toBe(toHex(rootOf(tree.leaves.slice(index * width, (index + 1) * width))))
    }
    // floor(n / 2^level) complete subtrees on each level.
    let expected = 0
    for (let width = 1; width <= tree.leaves.length; width *= 2)
      expected += Math.floor(tree.leaves.length / width)
    expect(tree.stored.size).toBe(expected)
  })

  it('hashes an empty frontier to the empty tree', () => {
    expect(toHex(frontierRoot(emptyFrontier))).toBe(toHex(rootOf([])))
  })

  it('gives inclusion proofs the RFC verifier accepts and the proof from the leaves equals', async () => {
    const tree = grow(oddBatches)
    for (const size of [1, 2, 3, 7, 64, 65, 100, 255]) {
      const root = rootOf(tree.leaves.slice(0, size))
      for (let index = 0; index < size; index += size > 20 ? 7 : 1) {
        const path = await proveFromNodes(tree.read, (subtree) => inclusionProof(index, size, subtree))
        const expected = await inclusionProof(index, size, fromLeaves(tree.leaves))
        expect(path.map(toHex)).toEqual(expected.map(toHex))
        expect(verifyInclusion(index, size, tree.leaves[index] as Uint8Array, path, root)).toBe(true)
      }
    }
  })

  it('gives consistency proofs the RFC verifier accepts between every pair of sizes', async () => {
    const tree = grow(oddBatches)
    const limit = 40
    for (let second = 1; second <= limit; second++) {
      const secondRoot = rootOf(tree.leaves.slice(0, second))
      for (let first = 1; first <= second; first++) {
        const proof = await proveFromNodes(tree.read, (subtree) => consistencyProof(first, second, subtree))
        const expected = await consistencyProof(first, second, fromLeaves(tree.leaves))
        expect(proof.map(toHex)).toEqual(expected.map(toHex))
        const firstRoot = rootOf(tree.leaves.slice(0, first))
        expect(verifyConsistency(first, second, firstRoot, secondRoot, proof), `${first} → ${second}`).toBe(
          true,
        )
      }
    }
  })

  it('reads the nodes of a proof in one call, O(log n) of them', async () => {
    const small = grow([500])
    const large = grow([20_000])
    const readsOf = async (tree: ReturnType<typeof grow>, size: number) => {
      let most = 0
      for (const index of [0, 1, size >> 1, size - 2, size - 1]) {
        tree.reset()
        await proveFromNodes(tree.read, (subtree) => inclusionProof(index, size, subtree))
        expect(tree.counted().calls).toBe(1)
        most = Math.max(most, tree.counted().reads)
      }
      for (const first of [1, 3, size >> 1, size - 1]) {
        tree.reset()
        await proveFromNodes(tree.read, (subtree) => consistencyProof(first, size, subtree))
        expect(tree.counted().calls).toBe(1)
        most = Math.max(most, tree.counted().reads)
      }
      return most
    }
    const smallReads = await readsOf(small, 500)
    const largeReads = await readsOf(large, 19_999)
    expect(smallReads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(500)))
    expect(largeReads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(20_000)))
    // 40 times the leaves, a handful more reads.
    expect(largeReads - smallReads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(40)))
  })

  it('splits a subtree into aligned complete subtrees, largest first', () => {
    expect(partsOf(0, 1)).toEqual([{ level: 0, index: 0 }])
    expect(partsOf(8, 8)).toEqual([{ level: 3, index: 1 }])
    expect(partsOf(8, 7)).toEqual([
      { level: 2, index: 2 },
      { level: 1, index: 6 },
      { level: 0, index: 14 },
    ])
    expect(partsOf(64, 37)).toEqual([
      { level: 5, index: 2 },
      { level: 2, index: 24 },
      { level: 0, index: 100 },
    ])
  })

  it('refuses ranges that do not split into aligned complete subtrees', () => {
    expect(() => partsOf(3, 2)).toThrow(RangeError)
    expect(() => partsOf(6, 4)).toThrow(RangeError)
    expect(() => partsOf(0, 0)).toThrow(RangeError)
    expect(() => partsOf(-1, 1)).toThrow(RangeError)
  })

  it('reads and writes hashes as lower-case hex', () => {
    const hash = leafOf(1)
    expect(fromHex(toHex(hash))).toEqual(hash)
    expect(() => fromHex('ABC')).toThrow(TypeError)
  })
})
