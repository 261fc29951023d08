import { createHash } from 'node:crypto'
import { fromHex, type NodePosition } from '#shared/audit/tree-nodes.js'
import {
  type AppendBatch,
  type Checkpoint,
  type CheckpointArchive,
  emptyHead,
  TreeConflict,
  type TreeHead,
  type TreeStore,
  type UnsealedEvent,
  type UnsealedEvents,
} from '#shared/audit/tree-store.js'

/** A stand-in event: an id and a hash, as the log would have stamped them, and its place in its chain. */
export type FakeEvent = { eventId: string; hash: string; chain: string; seq: number }

const fakeEvent = (eventId: string, chain: string, seq: number): FakeEvent => ({
  eventId,
  hash: createHash('sha256').update(eventId).digest('hex'),
  chain,
  seq,
})

let counter = 0

/** Fresh events whose ids sort in creation order, as UUIDv7 ids do, each the first of a chain of its own. */
export const fakeEvents = (count: number, prefix = 'e'): FakeEvent[] =>
  Array.from({ length: count }, () => {
    counter += 1
    const eventId = `${prefix}-${String(counter).padStart(8, '0')}`
    return fakeEvent(eventId, `chain-${eventId}`, 1)
  })

/** The events of one chain in chain order from `seq` on, with the ids given (which may sort in any order). */
export const chainEvents = (chain: string, eventIds: readonly string[], seq = 1): FakeEvent[] =>
  eventIds.map((eventId, i) => fakeEvent(eventId, chain, seq + i))

const nodeKey = ({ level, index }: NodePosition) => `${level}/${index}`

/** Lets the next turn of the event loop run, so that concurrent runs interleave at every store call. */
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * The audit tree, its queue of unsealed events and the sealed archive in maps, with the conditions
 * the DynamoDB adapter writes under, and counters of what was read and written.
 */
export class InMemoryAuditTree implements TreeStore, UnsealedEvents, CheckpointArchive {
  appendCapacity = 100
  current: TreeHead = emptyHead
  readonly stored = new Map<string, Uint8Array>()
  readonly events = new Map<string, FakeEvent & { leafIndex?: number }>()
  readonly checkpoints = new Map<number, Checkpoint>()
  readonly archived = new Map<number, string>()
  readonly appends: AppendBatch[] = []
  /** Calls of `nodes`, and the positions they asked for. */
  nodeCalls = 0
  nodeReads = 0
  /** Throws once from the next call of the named method, as a crash there would. */
  failNext: 'putCheckpoint' | 'put' | 'append' | undefined
  /** Refuses the next appends as lost to a concurrent transaction on one of their events. */
  contendedAppends = 0
  /** Runs once before the next append is checked: what another checkpointer does meanwhile. */
  beforeAppend: (() => Promise<void>) | undefined
  /** Events the queue does not show yet, though they are stored: its index lags behind the table. */
  readonly lagging = new Set<string>()

  /** The stored events by their place in their chain. */
  private readonly places = new Map<string, FakeEvent & { leafIndex?: number }>()

  add(events: FakeEvent[]) {
    for (const event of events) {
      const stored = { ...event }
      this.events.set(event.eventId, stored)
      this.places.set(`${event.chain}#${event.seq}`, stored)
    }
  }

  /** Whether the event before one in its chain has its leaf (false for a chain's first: it has none). */
  private predecessorSealed({ chain, seq }: Pick<FakeEvent, 'chain' | 'seq'>) {
    return this.places.get(`${chain}#${seq - 1}`)?.leafIndex !== undefined
  }

  /** Leaves in index order, as event ids. */
  leafEvents(): string[] {
    return [...this.events.values()]
      .filter((event) => event.leafIndex !== undefined)
      .sort((a, b) => (a.leafIndex ?? 0) - (b.leafIndex ?? 0))
      .map((event) => event.eventId)
  }

  private fail(method: 'putCheckpoint' | 'put' | 'append') {
    if (this.failNext !== method) return
    this.failNext = undefined
    throw new Error(`${method} crashed`)
  }

  async head(): Promise<TreeHead> {
    await yieldTurn()
    return this.current
  }

  nodes = async (positions: readonly NodePosition[]): Promise<Uint8Array[]> => {
    await yieldTurn()
    this.nodeCalls += 1
    this.nodeReads += positions.length
    return positions.map((position) => {
      const hash = this.stored.get(nodeKey(position))
      if (hash === undefined) throw new Error(`no node ${nodeKey(position)}`)
      return hash
    })
  }

  async append(batch: AppendBatch) {
    await yieldTurn()
    this.fail('append')
    if (this.contendedAppends > 0) {
      this.contendedAppends -= 1
      throw new TreeConflict('event')
    }
    const meanwhile = this.beforeAppend
    this.beforeAppend = undefined
    await meanwhile?.()
    const items = 2 * batch.leaves.length + batch.nodes.length + 1
    if (items > this.appendCapacity) throw new RangeError(`${items} items in one append`)
    if (batch.from !== this.current.frontier.size) throw new TreeConflict('head')
    const inBatch = new Set<string>()
    for (const { event, leafIndex } of batch.leaves) {
      if (this.events.get(event.eventId)?.leafIndex !== undefined) throw new TreeConflict('event')
      if (this.stored.has(nodeKey({ level: 0, index: leafIndex }))) throw new Error('leaf written twice')
      // What no store checks but the log must never hold: a leaf before its chain predecessor's.
      if (event.seq > 1 && !this.predecessorSealed(event) && !inBatch.has(`${event.chain}#${event.seq - 1}`))
        throw new Error(`${event.eventId} would be a leaf before its chain predecessor`)
      inBatch.add(`${event.chain}#${event.seq}`)
    }
    for (const node of batch.nodes) if (this.stored.has(nodeKey(node))) throw new Error('node written twice')
    for (const { event, leafIndex, hash } of batch.leaves) {
      const stored = this.events.get(event.eventId)
      if (stored !== undefined) stored.leafIndex = leafIndex
      this.stored.set(nodeKey({ level: 0, index: leafIndex }), hash)
    }
    for (const node of batch.nodes) this.stored.set(nodeKey(node), node.hash)
    this.current = { ...this.current, frontier: batch.frontier }
    this.appends.push(batch)
  }

  async putCheckpoint(checkpoint: Checkpoint, previous: number) {
    await yieldTurn()
    this.fail('putCheckpoint')
    if (this.checkpoints.has(checkpoint.treeSize)) throw new TreeConflict('checkpoint')
    if (this.current.frontier.size !== checkpoint.treeSize) throw new TreeConflict('head')
    if ((this.current.checkpoint?.treeSize ?? 0) !== previous) throw new TreeConflict('checkpoint')
    this.checkpoints.set(checkpoint.treeSize, checkpoint)
    this.current = { ...this.current, checkpoint }
  }

  async markArchived(treeSize: number) {
    await yieldTurn()
    if (this.current.archivedSize < treeSize) this.current = { ...this.current, archivedSize: treeSize }
  }

  async page(limit: number, after: string | undefined) {
    await yieldTurn()
    const unsealed = [...this.events.values()]
      .filter(
        (event) =>
          event.leafIndex === undefined &&
          !this.lagging.has(event.eventId) &&
          (after === undefined || event.eventId > after),
      )
      .sort((a, b) => (a.eventId < b.eventId ? -1 : 1))
    const events: UnsealedEvent[] = unsealed.slice(0, limit).map(({ eventId, hash, chain, seq }) => ({
      eventId,
      hash,
      chain,
      seq,
      predecessorSealed: this.predecessorSealed({ chain, seq }),
      ref: eventId,
    }))
    return { events, next: unsealed.length > limit ? events.at(-1)?.eventId : undefined }
  }

  async put(checkpoint: Checkpoint) {
    await yieldTurn()
    this.fail('put')
    this.archived.set(checkpoint.treeSize, checkpoint.jws)
  }

  /** The leaf hash stored at an index. */
  leaf(index: number): Uint8Array {
    const hash = this.stored.get(nodeKey({ level: 0, index }))
    if (hash === undefined) throw new Error(`no leaf ${index}`)
    return hash
  }

  /** The event hash of each leaf, in index order, as bytes. */
  eventHashes(): Uint8Array[] {
    return this.leafEvents().map((eventId) => fromHex(this.events.get(eventId)?.hash ?? ''))
  }
}
