import { createHash } from 'node:crypto'

/**
 * RFC 9162 (Certificate Transparency 2.0) Merkle trees over the audit log. A leaf's input is the
 * 32 bytes of an event's `hash`; hashes are SHA-256 with the RFC's 0x00 (leaf) and 0x01 (node)
 * prefixes, so no leaf can pose as a node. Every function here is pure and exact, so an auditor's
 * own implementation of the RFC gets the same roots and accepts the same proofs.
 */

const sha256 = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return new Uint8Array(hash.digest())
}

const leafPrefix = new Uint8Array([0])
const nodePrefix = new Uint8Array([1])

/** The Merkle Tree Hash of a tree with no leaves: SHA-256 of nothing. */
export const emptyRoot = (): Uint8Array => sha256()

/** The hash of one leaf: SHA-256(0x00 || the event's 32-byte hash). */
export const leafHash = (eventHash: Uint8Array): Uint8Array => sha256(leafPrefix, eventHash)

/** The hash of an inner node: SHA-256(0x01 || left || right). */
export const nodeHash = (left: Uint8Array, right: Uint8Array): Uint8Array => sha256(nodePrefix, left, right)

/** The largest power of two smaller than `n` (n ≥ 2): where RFC 9162 splits a tree of n leaves. */
export const splitPoint = (n: number): number => {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/**
 * The Merkle Tree Hash of leaf hashes (RFC 9162 §2.1.1), computed bottom-up in O(n) without
 * recursion: pairs are hashed level by level, an odd last node is carried up unchanged, which is
 * exactly the RFC's split at the largest power of two.
 */
export const rootOf = (leaves: readonly Uint8Array[]): Uint8Array => {
  if (leaves.length === 0) return emptyRoot()
  let level = [...leaves]
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i + 1 < level.length; i += 2)
      next.push(nodeHash(level[i] as Uint8Array, level[i + 1] as Uint8Array))
    if (level.length % 2 === 1) next.push(level[level.length - 1] as Uint8Array)
    level = next
  }
  return level[0] as Uint8Array
}

/**
 * Reads the hash of the subtree of leaves [start, start + size): a store answers it from its saved
 * nodes, a test from the leaves. Proof generation needs nothing else.
 */
export type SubtreeHash = (start: number, size: number) => Promise<Uint8Array>

/** The inclusion proof of leaf `index` in the tree of the first `size` leaves (RFC 9162 §2.1.3.1). */
export const inclusionProof = async (
  index: number,
  size: number,
  subtree: SubtreeHash,
): Promise<Uint8Array[]> => {
  if (index < 0 || index >= size) throw new RangeError('the leaf is not in the tree')
  const path: Uint8Array[] = []
  const walk = async (m: number, start: number, n: number): Promise<void> => {
    if (n <= 1) return
    const k = splitPoint(n)
    if (m < k) {
      await walk(m, start, k)
      path.push(await subtree(start + k, n - k))
    } else {
      await walk(m - k, start + k, n - k)
      path.push(await subtree(start, k))
    }
  }
  await walk(index, 0, size)
  return path
}

/** The consistency proof between the trees of the first `first` and `second` leaves (RFC 9162 §2.1.4.1). */
export const consistencyProof = async (
  first: number,
  second: number,
  subtree: SubtreeHash,
): Promise<Uint8Array[]> => {
  if (first < 1 || first > second) throw new RangeError('no consistency proof between these sizes')
  const proof: Uint8Array[] = []
  const walk = async (m: number, start: number, n: number, whole: boolean): Promise<void> => {
    if (m === n) {
      if (!whole) proof.push(await subtree(start, n))
      return
    }
    const k = splitPoint(n)
    if (m <= k) {
      await walk(m, start, k, whole)
      proof.push(await subtree(start + k, n - k))
    } else {
      await walk(m - k, start + k, n - k, false)
      proof.push(await subtree(start, k))
    }
  }
  await walk(first, 0, second, true)
  return proof
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i])

/** Verifies an inclusion proof against a root (RFC 9162 §2.1.3.2). */
export const verifyInclusion = (
  index: number,
  size: number,
  leaf: Uint8Array,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean => {
  if (index < 0 || index >= size) return false
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of path) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1
          sn >>= 1
        }
      }
    } else {
      r = nodeHash(r, p)
    }
    fn >>= 1
    sn >>= 1
  }
  return sn === 0 && equal(r, root)
}

/** Verifies a consistency proof between two roots (RFC 9162 §2.1.4.2). */
export const verifyConsistency = (
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean => {
  if (first < 1 || first > second) return false
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot)
  const path = [...proof]
  // When the first tree is a complete subtree, its root is the proof's implicit first element.
  if ((first & (first - 1)) === 0) path.unshift(firstRoot)
  let fn = first - 1
  let sn = second - 1
  while (fn % 2 === 1) {
    fn >>= 1
    sn >>= 1
  }
  const [head, ...rest] = path
  if (head === undefined) return false
  let fr = head
  let sr = head
  for (const c of rest) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1
          sn >>= 1
        }
      }
    } else {
      sr = nodeHash(sr, c)
    }
    fn >>= 1
    sn >>= 1
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot)
}
