import { emptyFrontier, type Frontier, type NodeReader, type TreeNode } from './tree-nodes.js'

/** A signed tree head: the exchange's `exchange-checkpoint+jwt` over the first `treeSize` leaves. */
export type Checkpoint = { treeSize: number; rootHash: string; jws: string }

/** The head of the log's tree: how far it reaches, its latest checkpoint, and how far those are archived. */
export type TreeHead = {
  frontier: Frontier
  /** The latest checkpoint; checkpoints only ever grow and each size is signed at most once. */
  checkpoint: Checkpoint | undefined
  /** The size of the latest checkpoint written to the sealed archive (0: none). */
  archivedSize: number
}

/** The head of a log nothing was appended to yet. */
export const emptyHead: TreeHead = { frontier: emptyFrontier, checkpoint: undefined, archivedSize: 0 }

/** An event not yet in the tree: its id and `hash`, where its chain has it, and the store's own handle on it. */
export type UnsealedEvent = {
  eventId: string
  hash: string
  /** The chain it links into (a case's or a participant's) and its place there: 1 for the first. */
  chain: string
  seq: number
  /** Whether the chain's event before it (`seq - 1`) was a leaf when this was read; false for the first. */
  predecessorSealed: boolean
  ref: string
}

/** One atomic step of the tree: events become leaves, nodes complete, the head moves. */
export type AppendBatch = {
  /** The tree size the batch was built on; the append fails if the head is elsewhere by now. */
  from: number
  /** The new leaves in order: leaf `from + i` is `leaves[i]`, its hash the RFC's leaf hash. */
  leaves: { event: UnsealedEvent; leafIndex: number; hash: Uint8Array }[]
  /** The inner nodes the leaves complete. */
  nodes: TreeNode[]
  frontier: Frontier
  rootHash: string
}

/** Nothing was written: another checkpointer moved the head first (or was writing it at that moment). */
export class TreeConflict extends Error {
  constructor(what: string, options?: { cause: unknown }) {
    super(`the tree's ${what} moved`, options)
    this.name = 'TreeConflict'
  }
}

/** The stored tree: its head, its complete subtrees and its checkpoints; every write is conditional. */
export interface TreeStore {
  /** The head, read strongly consistently. */
  head(): Promise<TreeHead>
  /** The hashes of stored complete subtrees, in the order asked. */
  nodes: NodeReader
  /**
   * The most items one append may write: one per event, leaf and inner node, and the head. The
   * checkpointer sizes its batches by it.
   */
  readonly appendCapacity: number
  /**
   * Writes a batch if the head is still at `batch.from` and every event is still unsealed: each
   * event gets its `leafIndex`, every leaf and node is written once. All or nothing; throws `TreeConflict`.
   */
  append(batch: AppendBatch): Promise<void>
  /**
   * Records a checkpoint once per size, if the head is still at its size and the latest checkpoint
   * is still `previous` (0: none): checkpoints are made one after the other, each over the whole
   * tree at its time. Throws `TreeConflict`.
   */
  putCheckpoint(checkpoint: Checkpoint, previous: number): Promise<void>
  /** Notes that checkpoints up to `treeSize` are in the sealed archive; never moves back. */
  markArchived(treeSize: number): Promise<void>
}

/** The queue of events not yet in the tree. */
export interface UnsealedEvents {
  /**
   * Up to `limit` events not yet in the tree, in event id order, continuing after the page `after`
   * ended. None is already in the tree when read, and each says whether its chain predecessor is:
   * both are read from the events themselves, strongly consistently, not from the queue.
   */
  page(
    limit: number,
    after: string | undefined,
  ): Promise<{ events: UnsealedEvent[]; next: string | undefined }>
}

/** The sealed (write-once) archive of checkpoints, outside the database. */
export interface CheckpointArchive {
  /** Writes a checkpoint under a key of its size; writing the same one again is harmless. */
  put(checkpoint: Checkpoint): Promise<void>
}
