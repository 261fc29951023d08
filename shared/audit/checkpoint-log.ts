import type { ExchangeSigner } from '../trust/exchange-signer.js'
import { leafHash } from './merkle.js'
import { extendFrontier, fromHex, frontierRoot, innerNodesCompleted, toHex } from './tree-nodes.js'
import {
  type Checkpoint,
  type CheckpointArchive,
  TreeConflict,
  type TreeHead,
  type TreeStore,
  type UnsealedEvent,
  type UnsealedEvents,
} from './tree-store.js'

/** What the checkpointer needs: the tree, the queue of new events, the archive and the exchange's key. */
export type CheckpointDeps = {
  tree: TreeStore
  unsealed: UnsealedEvents
  archive: CheckpointArchive
  signer: Pick<ExchangeSigner, 'sign'>
  exchangeId: string
  clock: () => Date
}

/** What one run did: leaves it appended, the tree's size after it, the checkpoint it signed if any. */
export type CheckpointRun = {
  appended: number
  treeSize: number
  checkpoint: Pick<Checkpoint, 'treeSize' | 'rootHash'> | undefined
  /** Another checkpointer moved the head first; this run left the rest to it. */
  contended: boolean
  /** Events read but left in the queue for a later run: their chain predecessor was not a leaf yet. */
  heldBack: number
}

/** Events read from the queue at once (a store re-checks a page in one read). */
const pageSize = 100

/** How much one run takes on at most; a backlog drains over the next runs. */
export type RunLimits = {
  /** Leaves appended at most (about 60 transactions). */
  maxLeaves: number
  /**
   * No append starts after this many milliseconds, so that the run signs what it appended well
   * within a scheduled function's time limit (10 s).
   */
  maxMillis: number
}

/** The limits of a scheduled run. */
export const runLimits: RunLimits = { maxLeaves: 2000, maxMillis: 5000 }

const byEventId = (a: UnsealedEvent, b: UnsealedEvent) =>
  a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0

/** An event's place in the log as one key: its chain and its seq there. */
const placeOf = (chain: string, seq: number) => `${chain}#${seq}`

/**
 * The leaf order of what one run reads: event id order, except that no event goes before the one
 * before it in its chain, so that every prefix of the tree holds each chain's events without a gap
 * (a verifier of an export ending at any tree size finds every link). Ids do not follow chain
 * order (ids of one millisecond sort at random, writers' clocks differ by a little), and the
 * queue's index may show an event before its predecessor. So an event whose predecessor is neither
 * a leaf already nor placed in this run waits, to be placed right behind it; whatever still waits
 * when the run ends stays in the queue, and a later run reads it again.
 */
const leafOrder = () => {
  /** Placed events in leaf order, the appended ones taken off the front. */
  const ready: UnsealedEvent[] = []
  const placed = new Set<string>()
  /** Waiting events, by the place of the predecessor each waits for. */
  const waiting = new Map<string, UnsealedEvent>()
  const place = (first: UnsealedEvent) => {
    for (let event: UnsealedEvent | undefined = first; event !== undefined; ) {
      ready.push(event)
      const at = placeOf(event.chain, event.seq)
      placed.add(at)
      event = waiting.get(at)
      waiting.delete(at)
    }
  }
  return {
    ready,
    /** Takes in a page of the queue, in event id order. */
    add(events: readonly UnsealedEvent[]) {
      for (const event of events) {
        const before = placeOf(event.chain, event.seq - 1)
        if (event.seq === 1 || event.predecessorSealed || placed.has(before)) place(event)
        else waiting.set(before, event)
      }
    },
    waiting: () => waiting.size,
  }
}

/** How many events one append can take on a tree of `size` leaves: event, leaf, inner nodes and head fit. */
const batchSize = (size: number, available: number, capacity: number) => {
  let count = 0
  let inner = 0
  while (count < available) {
    const more = inner + innerNodesCompleted(size + count, 1)
    if (2 * (count + 1) + more + 1 > capacity) break
    inner = more
    count++
  }
  if (count === 0 && available > 0) throw new RangeError('the tree store cannot append even one leaf')
  return count
}

/** Appends events as the next leaves, in the order given, if the head is still `head`. */
const append = async (deps: CheckpointDeps, head: TreeHead, events: UnsealedEvent[]): Promise<TreeHead> => {
  const leaves = events.map((event, i) => ({
    event,
    leafIndex: head.frontier.size + i,
    hash: leafHash(fromHex(event.hash)),
  }))
  const { frontier, nodes } = extendFrontier(
    head.frontier,
    leaves.map((leaf) => leaf.hash),
  )
  await deps.tree.append({
    from: head.frontier.size,
    leaves,
    nodes: nodes.filter((node) => node.level > 0),
    frontier,
    rootHash: toHex(frontierRoot(frontier)),
  })
  return { ...head, frontier }
}

/** Tries of one append while the head stays where it was read. */
const appendAttempts = 3

/**
 * Appends, unless another checkpointer moved the head first (then answers undefined: the rest is
 * its work, or the next run's). A lost write with the head unmoved lost only to a transaction on
 * one of its events (the statistics job dequeues the same events): that one is tried again.
 */
const appendUnlessOvertaken = async (
  deps: CheckpointDeps,
  head: TreeHead,
  events: UnsealedEvent[],
): Promise<TreeHead | undefined> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await append(deps, head, events)
    } catch (error) {
      if (!(error instanceof TreeConflict)) throw error
      const now = await deps.tree.head()
      if (now.frontier.size !== head.frontier.size || attempt >= appendAttempts) return undefined
    }
  }
}

/** Writes the latest checkpoint to the sealed archive unless it is there already. */
const archiveLatest = async (deps: CheckpointDeps, head: TreeHead): Promise<TreeHead> => {
  const { checkpoint } = head
  if (checkpoint === undefined || head.archivedSize >= checkpoint.treeSize) return head
  await deps.archive.put(checkpoint)
  await deps.tree.markArchived(checkpoint.treeSize)
  return { ...head, archivedSize: checkpoint.treeSize }
}

/**
 * Signs the head unless its size is checkpointed already. The previous checkpoint is archived
 * first, and a checkpoint is recorded only on top of it, so none is ever left out of the archive.
 * A lost race re-reads the head: whoever won signed it, or it has grown and this run signs that.
 */
const signHead = async (deps: CheckpointDeps, start: TreeHead): Promise<Checkpoint | undefined> => {
  let head = start
  for (let attempt = 1; attempt <= 3; attempt++) {
    const treeSize = head.frontier.size
    const previous = head.checkpoint?.treeSize ?? 0
    if (treeSize === 0 || previous >= treeSize) return undefined
    head = await archiveLatest(deps, head)
    const rootHash = toHex(frontierRoot(head.frontier))
    // A checkpoint is for every participant of this exchange alike: its audience is the exchange.
    const jws = await deps.signer.sign('exchange-checkpoint+jwt', {
      iss: deps.exchangeId,
      iat: Math.floor(deps.clock().getTime() / 1000),
      aud: deps.exchangeId,
      treeSize,
      rootHash,
    })
    const checkpoint = { treeSize, rootHash, jws }
    try {
      await deps.tree.putCheckpoint(checkpoint, previous)
    } catch (error) {
      if (!(error instanceof TreeConflict)) throw error
      head = await deps.tree.head()
      continue
    }
    await archiveLatest(deps, { ...head, checkpoint })
    return checkpoint
  }
  return undefined
}

/**
 * The checkpointer (EventBridge on AWS, a timer in `npm start`): appends the events not yet in the
 * log's RFC 9162 tree as its next leaves, in event id order as far as each chain's order allows
 * (`leafOrder`), gives each its `leafIndex`, and signs one checkpoint over the tree it leaves. It
 * reads the queue and the head, never the tree, so its cost follows the new events, not the size
 * of the log. Every write is conditional on the head it read: of two concurrent runs one appends
 * and the other stops (it signs the head if the other has not yet), and a tree size is signed at
 * most once.
 */
export const checkpointLog = async (
  deps: CheckpointDeps,
  limits: Partial<RunLimits> = {},
): Promise<CheckpointRun> => {
  const { maxLeaves, maxMillis } = { ...runLimits, ...limits }
  const startedAt = deps.clock().getTime()
  let head = await archiveLatest(deps, await deps.tree.head())
  const order = leafOrder()
  let read = 0
  let after: string | undefined
  let exhausted = false
  let appended = 0
  let contended = false
  for (;;) {
    // Keep a page at hand, so that every append but the run's last is as full as the store allows.
    while (!exhausted && order.ready.length < pageSize && read < maxLeaves) {
      const page = await deps.unsealed.page(Math.min(pageSize, maxLeaves - read), after)
      order.add([...page.events].sort(byEventId))
      read += page.events.length
      after = page.next
      exhausted = after === undefined
    }
    if (order.ready.length === 0 || deps.clock().getTime() - startedAt > maxMillis) break
    const count = batchSize(head.frontier.size, order.ready.length, deps.tree.appendCapacity)
    const next = await appendUnlessOvertaken(deps, head, order.ready.slice(0, count))
    if (next === undefined) {
      contended = true
      break
    }
    head = next
    appended += count
    order.ready.splice(0, count)
  }
  if (contended) head = await deps.tree.head()
  const checkpoint = await signHead(deps, head)
  return {
    appended,
    treeSize: Math.max(head.frontier.size, checkpoint?.treeSize ?? 0),
    checkpoint:
      checkpoint === undefined ? undefined : { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash },
    contended,
    heldBack: order.waiting(),
  }
}
