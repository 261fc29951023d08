import { importJWK, type JWK, SignJWT } from 'jose'
import { publishedKey } from '#functions/adapters/es256-jws.js'
import { uuidV7 } from '#functions/adapters/uuid-v7.js'
import { newPrivateJwk } from '#local/keys.js'
import { type AuditDraft, appendToChain, type ChainHead } from '#shared/audit/audit-event.js'
import { eventOrderKey } from '#shared/audit/audit-export.js'
import type {
  AuditEventIndex,
  EventFilter,
  EventPartition,
  EventPosition,
  StoredEvent,
} from '#shared/audit/event-index.js'
import {
  type CheckpointHistory,
  type ExportDeps,
  type ExportQuery,
  exportAudit,
} from '#shared/audit/export-audit.js'
import { leafHash } from '#shared/audit/merkle.js'
import {
  emptyFrontier,
  extendFrontier,
  type Frontier,
  fromHex,
  frontierRoot,
  type NodePosition,
  toHex,
} from '#shared/audit/tree-nodes.js'
import type { Checkpoint } from '#shared/audit/tree-store.js'
import type { CaseParties } from '#shared/packages/sealed-package.js'

/** A small deterministic PRNG (mulberry32), so a log of a given seed is always the same log. */
const random = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const caseActions = [
  'case.submitted',
  'leg.approve-intake',
  'leg.accept',
  'package.read',
  'leg.approve',
  'leg.deliver',
]

export type SyntheticLogOptions = {
  events: number
  /** How many of the events the tree holds (the rest are newer than its head); all by default. */
  sealed?: number
  /** The tree sizes checkpoints are signed at; by default a quarter, a half and all of `sealed`. */
  checkpointsAt?: readonly number[]
  participants?: number
  cases?: number
  /** The first event's stamp, and the time between events (some share a stamp, as one commit's do). */
  start?: Date
  stepMs?: number
  seed?: number
  exchangeId?: string
}

/**
 * A contract-exact audit log built in memory: events linked with `appendToChain` (case chains and
 * participant chains), leaves given in event id order as the checkpointer gives them, the RFC 9162
 * tree's nodes as the tree store keeps them, checkpoints signed as `exchange-checkpoint+jwt` with
 * a fresh ES256 key, and in-memory ports that serve it to the export and the events query.
 */
export const syntheticLog = async (options: SyntheticLogOptions) => {
  const exchangeId = options.exchangeId ?? 'exchange-test'
  const next = random(options.seed ?? 7)
  const participants = Array.from(
    { length: options.participants ?? 12 },
    (_, i) => `p-${String(i).padStart(2, '0')}`,
  )
  const cases = Array.from(
    { length: options.cases ?? Math.max(1, Math.ceil(options.events / 8)) },
    (_, i) => {
      const accepting = participants[i % participants.length] ?? 'p-00'
      const home = participants[(i * 7 + 3) % participants.length] ?? 'p-01'
      return { caseId: `c-${String(i).padStart(7, '0')}`, accepting, homes: home === accepting ? [] : [home] }
    },
  )
  const start = (options.start ?? new Date('2026-11-01T00:00:00.000Z')).getTime()
  const stepMs = options.stepMs ?? 1000
  const heads = new Map<string, ChainHead>()
  const stored: StoredEvent[] = []
  let at = start
  let last: AuditDraft | undefined
  for (let i = 0; i < options.events; i++) {
    // One event in eight shares its stamp and chain with the one before, as events of one commit do.
    const sameCommit = last !== undefined && next() < 0.125
    if (!sameCommit) at += Math.max(1, Math.floor(stepMs * (0.5 + next())))
    let draft: AuditDraft
    if (sameCommit && last !== undefined) draft = { ...last, details: { n: i } }
    else if (next() < 0.8) {
      const chosen = cases[Math.floor(next() * cases.length)] ?? cases[0]
      if (chosen === undefined) throw new Error('no case')
      const actor = next() < 0.5 || chosen.homes[0] === undefined ? chosen.accepting : chosen.homes[0]
      draft = {
        actor: { participant: actor, sub: 'case-system' },
        action: caseActions[Math.floor(next() * caseActions.length)] ?? 'case.submitted',
        caseId: chosen.caseId,
        ...(chosen.homes[0] === undefined ? {} : { home: chosen.homes[0] }),
        details: { n: i },
      }
    } else {
      const actor = participants[Math.floor(next() * participants.length)] ?? 'p-00'
      draft = {
        actor: { participant: actor, sub: 'admin-console' },
        action: 'participant.keys-rotated',
        details: { n: i },
      }
    }
    last = draft
    const chain =
      draft.caseId === undefined ? `participant#${draft.actor.participant}` : `case#${draft.caseId}`
    const stamp = new Date(at)
    const linked = appendToChain(heads.get(chain), draft, { eventId: uuidV7(stamp), at: stamp.toISOString() })
    heads.set(chain, linked.head)
    stored.push({ event: linked.event, chain, seq: linked.head.seq })
  }

  // Leaves in event id order, as the checkpointer takes the queue.
  const sealedCount = Math.min(options.sealed ?? options.events, options.events)
  const byId = [...stored].sort((a, b) => (a.event.eventId < b.event.eventId ? -1 : 1))
  const nodes = new Map<string, Uint8Array>()
  let frontier: Frontier = emptyFrontier
  const checkpointSizes = [
    ...new Set(
      (
        options.checkpointsAt ?? [Math.floor(sealedCount / 4), Math.floor(sealedCount / 2), sealedCount]
      ).filter((size) => size > 0 && size <= sealedCount),
    ),
  ].sort((a, b) => a - b)
  const privateJwk: JWK = await newPrivateJwk('ES256')
  const publicKey = await publishedKey(privateJwk)
  const signingKey = await importJWK(privateJwk, 'ES256')
  const sign = (claims: Record<string, unknown>, kid = publicKey.kid) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'exchange-checkpoint+jwt' })
      .sign(signingKey)
  const checkpoints: Checkpoint[] = []
  for (const size of checkpointSizes) {
    const added = byId.slice(frontier.size, size)
    added.forEach((entry, i) => {
      entry.event = { ...entry.event, leafIndex: frontier.size + i }
    })
    const grown = extendFrontier(
      frontier,
      added.map(({ event }) => leafHash(fromHex(event.hash))),
    )
    for (const node of grown.nodes) nodes.set(`${node.level}/${node.index}`, node.hash)
    frontier = grown.frontier
    const rootHash = toHex(frontierRoot(frontier))
    const jws = await sign({
      iss: exchangeId,
      iat: Math.floor(start / 1000),
      aud: exchangeId,
      treeSize: size,
      rootHash,
    })
    checkpoints.push({ treeSize: size, rootHash, jws })
  }
  // Sealed past the last checkpoint, as a tree that grew since it was signed.
  const unsigned = byId.slice(frontier.size, sealedCount)
  unsigned.forEach((entry, i) => {
    entry.event = { ...entry.event, leafIndex: frontier.size + i }
  })
  for (const node of extendFrontier(
    frontier,
    unsigned.map(({ event }) => leafHash(fromHex(event.hash))),
  ).nodes)
    nodes.set(`${node.level}/${node.index}`, node.hash)

  const index = inMemoryEventIndex(stored)
  const history: CheckpointHistory = {
    async list({ after, upTo, limit }) {
      return checkpoints.filter((c) => c.treeSize > after && c.treeSize <= upTo).slice(0, limit)
    },
    async firstLeafAt() {
      return byId[0]?.event.leafIndex === undefined ? undefined : byId[0].event.at
    },
  }
  const exportDeps = (clock: () => Date = () => new Date(at + 60_000)): ExportDeps => ({
    events: index,
    checkpoints: history,
    tree: {
      head: async () => ({
        frontier: { size: sealedCount, hashes: [] },
        checkpoint: checkpoints.at(-1),
        archivedSize: checkpoints.at(-1)?.treeSize ?? 0,
      }),
      nodes: async (positions: readonly NodePosition[]) =>
        positions.map(({ level, index: at }) => {
          const hash = nodes.get(`${level}/${at}`)
          if (hash === undefined) throw new Error(`no node ${level}/${at}`)
          return hash
        }),
    },
    publicKeys: async () => [publicKey],
    exchangeId,
    clock,
  })
  const caseById = new Map(cases.map((found) => [found.caseId, found]))
  const parties: CaseParties = {
    async partiesOf(caseId) {
      const found = caseById.get(caseId)
      return found === undefined ? undefined : { accepting: found.accepting, homes: found.homes }
    },
  }
  return {
    exchangeId,
    events: stored,
    cases,
    participants,
    checkpoints,
    publicKey,
    /** Signs checkpoint claims with the log's key (or names another kid), for tests that forge. */
    sign,
    index,
    parties,
    exportDeps,
    /** The whole export text, every part fetched and joined as a client would. */
    exportText: async (query: Omit<ExportQuery, 'cursor'> = {}, deps: ExportDeps = exportDeps()) => {
      let text = ''
      let cursor: string | undefined
      do {
        const part = await exportAudit(deps, {
          query: { ...query, ...(cursor === undefined ? {} : { cursor }) },
          caller: { participant: 'auditor' },
        })
        text += part.text
        cursor = part.nextCursor
      } while (cursor !== undefined)
      return text
    },
  }
}

export type SyntheticLog = Awaited<ReturnType<typeof syntheticLog>>

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The audit table's partitions over a list of stored events: chains in seq order, the by-actor,
 * by-action and by-day indexes in `atKey` order. Counts every read, to show what a query costs.
 */
export const inMemoryEventIndex = (stored: readonly StoredEvent[]) => {
  const partitions = new Map<string, StoredEvent[]>()
  const add = (key: string, entry: StoredEvent) => {
    const list = partitions.get(key) ?? []
    list.push(entry)
    partitions.set(key, list)
  }
  for (const entry of stored) {
    add(`chain:${entry.chain}`, entry)
    add(`actor:${entry.event.actor.participant}`, entry)
    add(`action:${entry.event.action}`, entry)
    add(`day:${entry.event.at.slice(0, 10)}`, entry)
  }
  for (const [key, list] of partitions)
    list.sort((a, b) =>
      key.startsWith('chain:') ? a.seq - b.seq : compare(eventOrderKey(a.event), eventOrderKey(b.event)),
    )
  const partitionOf = (partition: EventPartition) =>
    partitions.get(
      partition.index === 'chain' ? `chain:${partition.chain}` : `${partition.index}:${partition.key}`,
    ) ?? []
  const sortKey = (partition: EventPartition, entry: StoredEvent) =>
    partition.index === 'chain' ? String(entry.seq).padStart(12, '0') : eventOrderKey(entry.event)
  const positionKey = (partition: EventPartition, position: EventPosition) =>
    partition.index === 'chain' ? String(position.seq).padStart(12, '0') : (position.atKey ?? '')
  const matches = (entry: StoredEvent, filter: EventFilter) => {
    const key = eventOrderKey(entry.event)
    return (
      (filter.actor === undefined || entry.event.actor.participant === filter.actor) &&
      (filter.action === undefined || entry.event.action === filter.action) &&
      (filter.from === undefined || key >= filter.from) &&
      (filter.to === undefined || key < filter.to)
    )
  }
  const counters = { pages: 0, read: 0 }
  const index: AuditEventIndex = {
    async page(partition, filter, { after, limit }) {
      counters.pages++
      const list = partitionOf(partition)
      // Where a key condition would start: after the position, or at `from` in a time-sorted index.
      let low = 0
      let high = list.length
      const bound =
        after !== undefined
          ? positionKey(partition, after)
          : partition.index !== 'chain' && filter.from !== undefined
            ? filter.from
            : undefined
      if (bound !== undefined) {
        while (low < high) {
          const mid = (low + high) >>> 1
          const entry = list[mid]
          if (
            entry !== undefined &&
            (after !== undefined ? sortKey(partition, entry) <= bound : sortKey(partition, entry) < bound)
          )
            low = mid + 1
          else high = mid
        }
      }
      const read = list.slice(low, low + limit)
      counters.read += read.length
      const lastRead = read.at(-1)
      const more = low + limit < list.length && lastRead !== undefined
      return {
        events: read.filter((entry) => matches(entry, filter)).map((entry) => ({ ...entry })),
        ...(more
          ? {
              next: {
                chain: lastRead.chain,
                seq: lastRead.seq,
                ...(partition.index === 'chain' ? {} : { atKey: eventOrderKey(lastRead.event) }),
              },
            }
          : {}),
      }
    },
    async load(keys) {
      return keys.flatMap(({ chain, seq }) => {
        const found = partitions.get(`chain:${chain}`)?.find((entry) => entry.seq === seq)
        return found === undefined ? [] : [{ ...found }]
      })
    },
  }
  return Object.assign(index, { counters })
}
