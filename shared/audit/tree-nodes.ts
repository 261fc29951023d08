import { emptyRoot, nodeHash, type SubtreeHash } from './merkle.js'

/**
 * The log's Merkle tree as it is stored: every aligned complete subtree once it is complete, so a
 * proof reads O(log n) nodes and an append writes only the nodes it completes. Pure: the stores
 * keep bytes, this file decides which.
 */

/**
 * The aligned complete subtree of the 2^level leaves from `index`·2^level on; level 0 are the
 * leaves (their leaf hashes), higher levels the inner nodes RFC 9162's tree is built of.
 */
export type NodePosition = { level: number; index: number }

/** A complete subtree and its hash. */
export type TreeNode = NodePosition & { hash: Uint8Array }

/**
 * The tree of the first `size` leaves as the hashes of its largest complete subtrees, largest
 * first (one per set bit of `size`): enough to append and to compute the root without reading.
 */
export type Frontier = { size: number; hashes: Uint8Array[] }

/** The tree with no leaves. */
export const emptyFrontier: Frontier = { size: 0, hashes: [] }

/**
 * The hash of consecutive complete subtrees, largest first: RFC 9162 splits a tree at the largest
 * power of two, so its hash is the right fold of its complete subtrees. Nothing folds to the empty root.
 */
export const foldSubtrees = (hashes: readonly Uint8Array[]): Uint8Array => {
  const last = hashes.at(-1)
  if (last === undefined) return emptyRoot()
  let hash = last
  for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i] as Uint8Array, hash)
  return hash
}

/** The Merkle Tree Hash of the tree a frontier describes. */
export const frontierRoot = (frontier: Frontier): Uint8Array => foldSubtrees(frontier.hashes)

/** How many ones `n` ends in (binary): the subtrees that become complete when leaf `n` is appended. */
const trailingOnes = (n: number): number => {
  let count = 0
  for (let rest = n; rest % 2 === 1; rest = Math.floor(rest / 2)) count++
  return count
}

/** How many inner nodes appending `count` leaves to a tree of `size` leaves completes. */
export const innerNodesCompleted = (size: number, count: number): number => {
  let nodes = 0
  for (let i = 0; i < count; i++) nodes += trailingOnes(size + i)
  return nodes
}

/**
 * Appends leaf hashes like a binary counter: each leaf merges with the frontier's smallest
 * subtrees while they have its size. Answers the new frontier and every node completed, leaves first
 * within each step; nothing already stored is read or rewritten.
 */
export const extendFrontier = (
  frontier: Frontier,
  leaves: readonly Uint8Array[],
): { frontier: Frontier; nodes: TreeNode[] } => {
  const hashes = [...frontier.hashes]
  const nodes: TreeNode[] = []
  let size = frontier.size
  for (const leaf of leaves) {
    let node: TreeNode = { level: 0, index: size, hash: leaf }
    nodes.push(node)
    for (let carry = trailingOnes(size); carry > 0; carry--) {
      const left = hashes.pop()
      if (left === undefined) throw new Error('the frontier does not match its size')
      node = { level: node.level + 1, index: Math.floor(node.index / 2), hash: nodeHash(left, node.hash) }
      nodes.push(node)
    }
    hashes.push(node.hash)
    size++
  }
  return { frontier: { size, hashes }, nodes }
}

/**
 * The complete subtrees, largest first, that the subtree of leaves [start, start + size) consists
 * of. Every subtree RFC 9162's proofs name starts at a multiple of the power of two at or above its
 * size, so each part is aligned; a range that does not split so is refused rather than answered wrongly.
 */
export const partsOf = (start: number, size: number): NodePosition[] => {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(size) || start < 0 || size < 1) {
    throw new RangeError(`no subtree of ${size} leaves at ${start}`)
  }
  const parts: NodePosition[] = []
  let offset = start
  let level = 0
  while (2 ** (level + 1) <= size) level++
  for (let remaining = size; level >= 0; level--) {
    const width = 2 ** level
    if (remaining < width) continue
    if (offset % width !== 0) throw new RangeError(`leaves [${start}, ${start + size}) are no subtree`)
    parts.push({ level, index: offset / width })
    offset += width
    remaining -= width
  }
  return parts
}

/** Reads stored nodes: one hash per position, in order; a missing node is a fault of the store. */
export type NodeReader = (positions: readonly NodePosition[]) => Promise<Uint8Array[]>

const nodeKey = ({ level, index }: NodePosition) => `${level}/${index}`

/**
 * Runs a proof of merkle.ts over stored nodes, reading every node it needs in one call: the proofs
 * ask for the same subtrees whatever their hashes, so a first pass only records which.
 */
export const proveFromNodes = async <T>(
  read: NodeReader,
  prove: (subtree: SubtreeHash) => Promise<T>,
): Promise<T> => {
  const wanted = new Map<string, NodePosition>()
  const placeholder = new Uint8Array(32)
  await prove(async (start, size) => {
    for (const part of partsOf(start, size)) wanted.set(nodeKey(part), part)
    return placeholder
  })
  const positions = [...wanted.values()]
  const hashes = await read(positions)
  const known = new Map(positions.map((position, i) => [nodeKey(position), hashes[i]]))
  return prove(async (start, size) =>
    foldSubtrees(
      partsOf(start, size).map((part) => {
        const hash = known.get(nodeKey(part))
        if (hash === undefined) throw new Error(`node ${nodeKey(part)} was not read`)
        return hash
      }),
    ),
  )
}

/** Lower-case hex of bytes, as the log writes hashes. */
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** The bytes of a 64-digit hex hash. */
export const fromHex = (hex: string): Uint8Array => {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new TypeError('not a hex SHA-256 hash')
  return new Uint8Array(Buffer.from(hex, 'hex'))
}
