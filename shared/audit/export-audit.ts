import * as z from 'zod'
import { DomainError } from '../errors.js'
import { Instant } from '../registry/ids.js'
import { invalidCursor, openCursor, sealCursor } from './audit-cursor.js'
import type { AuditEvent } from './audit-event.js'
import {
  type AnchorLine,
  type CheckpointLine,
  type ConsistencyLine,
  type EndLine,
  type ExportHeader,
  eventLineText,
  exportFormat,
  type ProofLine,
} from './audit-export.js'
import type { AuditEventIndex, EventFilter, StoredEvent } from './event-index.js'
import type { TreeReadDeps } from './get-latest-checkpoint.js'
import { consistencyProof, inclusionProof } from './merkle.js'
import { proveFromNodes, toHex } from './tree-nodes.js'
import type { Checkpoint } from './tree-store.js'

/** The query of `GET /v1/audit/export`: a window `[from, to)`, or neither for the whole log. */
export const ExportQuery = z.strictObject({
  from: Instant.optional().describe('Export the events stamped at or after this instant (a window export).'),
  to: Instant.optional().describe('Export the events stamped before this instant (a window export).'),
  cursor: z
    .string()
    .max(4096)
    .optional()
    .describe('The `x-next-cursor` of the part before, with the same from and to.'),
})
export type ExportQuery = z.infer<typeof ExportQuery>

/** The checkpoints the exchange has signed, and where the log begins. */
export interface CheckpointHistory {
  /** Checkpoints of tree sizes in `(after, upTo]`, smallest first, at most `limit`. */
  list(range: { after: number; upTo: number; limit: number }): Promise<Checkpoint[]>
  /** When the event at leaf 0 was stamped (none before the first append): where a whole export starts. */
  firstLeafAt(): Promise<string | undefined>
}

/** What exporting needs: the log's indexes, its tree and checkpoints, the exchange's keys and a clock. */
export type ExportDeps = TreeReadDeps & {
  events: AuditEventIndex
  checkpoints: CheckpointHistory
  publicKeys: () => Promise<readonly object[]>
  exchangeId: string
  clock: () => Date
}

/** One part of an export: NDJSON text, and the cursor of the next part unless this is the last. */
export type ExportPart = { text: string; nextCursor?: string }

/** Bytes of NDJSON one part holds at most, give or take one read: well inside a 6 MB Lambda answer. */
export const exportPartBytes = 3 * 1024 * 1024
/** Partition reads one part makes at most (each day of the range is at least one). */
const maxCalls = 64
const eventsPerRead = 200
const checkpointsPerRead = 500
const dayMs = 86_400_000

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
const Count = z.number().int().min(0)
/** Where an export stands between parts; everything it pinned when it began comes along. */
const ExportPosition = z.strictObject({
  treeSize: Count,
  exportedAt: z.string(),
  last: Day,
  section: z.enum(['checkpoints', 'events', 'end']),
  checkpointAfter: Count,
  day: Day,
  after: z
    .strictObject({
      chain: z.string().max(200),
      seq: z.number().int().min(1),
      atKey: z.string().max(200).optional(),
    })
    .optional(),
  events: Count,
  checkpoints: Count,
})
type ExportPosition = z.infer<typeof ExportPosition>

const utc = (instant: string | undefined) =>
  instant === undefined ? undefined : new Date(Date.parse(instant)).toISOString()
const dayOf = (iso: string) => iso.slice(0, 10)
const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + dayMs).toISOString().slice(0, 10)
/** The day a whole export starts at: a day before the first leaf's, as ids and stamps may differ by a moment. */
const firstDayOf = (at: string) => dayOf(new Date(Date.parse(at) - dayMs).toISOString())

/**
 * `GET /v1/audit/export`: the log, or the events of a window, as verifiable NDJSON
 * (`docs/audit-export.md`), in parts that each fit one HTTP answer. The first part pins the latest
 * checkpoint; every part after it continues the same export, so the parts joined in order are one
 * file the offline verifier checks. Only events in the pinned tree are exported, so each one is
 * vouched for by a signed checkpoint.
 */
export const exportAudit = async (
  deps: ExportDeps,
  command: { query: ExportQuery; caller: { participant: string } },
): Promise<ExportPart> => {
  const { query } = command
  const from = utc(query.from)
  const to = utc(query.to)
  if (from !== undefined && to !== undefined && from > to)
    throw new DomainError('validation-failed', 'The request query is not valid.', {
      errors: [{ path: '/query/from', message: 'must not be after to' }],
    })
  const window = from !== undefined || to !== undefined
  const binding = { caller: command.caller.participant, from: query.from, to: query.to }
  const lines: string[] = []
  let bytes = 0
  const write = (text: string) => {
    lines.push(text)
    bytes += Buffer.byteLength(text) + 1
  }
  const emit = (line: ExportHeader | CheckpointLine | ConsistencyLine | ProofLine | AnchorLine | EndLine) =>
    write(JSON.stringify(line))
  let position: ExportPosition
  if (query.cursor === undefined) {
    const { checkpoint: latest } = await deps.tree.head()
    const exportedAt = deps.clock().toISOString()
    const end = to === undefined || to > exportedAt ? exportedAt : to
    const firstLeafAt = from === undefined ? await deps.checkpoints.firstLeafAt() : undefined
    const first = from !== undefined ? dayOf(from) : firstDayOf(firstLeafAt ?? exportedAt)
    position = {
      treeSize: latest?.treeSize ?? 0,
      exportedAt,
      last: dayOf(
        new Date(Math.max(Date.parse(end) - 1, Date.parse(`${first}T00:00:00.000Z`))).toISOString(),
      ),
      section: 'checkpoints',
      checkpointAfter: 0,
      day: first,
      events: 0,
      checkpoints: 0,
    }
    emit({
      type: 'header',
      format: exportFormat,
      exchangeId: deps.exchangeId,
      exportedAt,
      scope: window ? 'window' : 'whole',
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      treeSize: position.treeSize,
      keys: { keys: (await deps.publicKeys()).map((key) => ({ ...key }) as Record<string, unknown>) },
    })
  } else {
    position = openCursor(query.cursor, binding, ExportPosition)
    // What a cursor pins must still make sense: a tree the log has signed, a walk not past its end.
    const { checkpoint: latest } = await deps.tree.head()
    if (
      position.treeSize > (latest?.treeSize ?? 0) ||
      position.checkpointAfter > position.treeSize ||
      position.day > position.last
    )
      throw invalidCursor()
  }
  const { treeSize } = position

  /** Inclusion proofs of leaves in the pinned tree, reading every node they need in one batch. */
  const inclusionProofs = (leaves: readonly number[]) =>
    proveFromNodes(deps.tree.nodes, (subtree) =>
      Promise.all(leaves.map((leaf) => inclusionProof(leaf, treeSize, subtree))),
    )

  const checkpointSection = async () => {
    while (position.section === 'checkpoints' && bytes < exportPartBytes) {
      const found = await deps.checkpoints.list({
        after: position.checkpointAfter,
        upTo: treeSize,
        limit: checkpointsPerRead,
      })
      // Each checkpoint's consistency with the one before it (the first has none before it).
      const pairs = found.map((checkpoint, i) => ({
        from: i === 0 ? position.checkpointAfter : (found[i - 1]?.treeSize ?? 0),
        to: checkpoint.treeSize,
      }))
      const proofs = window
        ? await proveFromNodes(deps.tree.nodes, (subtree) =>
            Promise.all(
              pairs.map(({ from: older, to: newer }) =>
                older === 0 ? Promise.resolve([]) : consistencyProof(older, newer, subtree),
              ),
            ),
          )
        : []
      found.forEach((checkpoint, i) => {
        emit({ type: 'checkpoint', checkpoint: checkpoint.jws })
        const pair = pairs[i]
        if (window && pair !== undefined && pair.from > 0)
          emit({ type: 'consistency', ...pair, proof: (proofs[i] ?? []).map(toHex) })
      })
      const last = found.at(-1)
      position = {
        ...position,
        checkpointAfter: last?.treeSize ?? position.checkpointAfter,
        checkpoints: position.checkpoints + found.length,
      }
      if (found.length < checkpointsPerRead || position.checkpointAfter >= treeSize)
        position = { ...position, section: treeSize === 0 ? 'end' : 'events' }
    }
  }

  /** Events read from an index before the checkpointer's update reached it are read again from the table. */
  const settled = async (stored: StoredEvent[]) => {
    const stale = stored.filter(({ event }) => event.leafIndex === undefined)
    if (stale.length === 0) return stored
    const fresh = new Map((await deps.events.load(stale)).map((found) => [found.event.eventId, found]))
    return stored.map((found) => fresh.get(found.event.eventId) ?? found)
  }

  const inTree = (event: AuditEvent) => event.leafIndex !== undefined && event.leafIndex < treeSize

  /** The events before the window that chains of this read link to, keyed by chain. */
  const anchorsOf = async (kept: StoredEvent[]) => {
    if (from === undefined) return new Map<string, AuditEvent>()
    const here = new Set(kept.map(({ chain, seq }) => `${chain}#${seq}`))
    const wanted = kept
      .filter(({ chain, seq }) => seq > 1 && !here.has(`${chain}#${seq - 1}`))
      .map(({ chain, seq }) => ({ chain, seq: seq - 1 }))
    const found = wanted.length === 0 ? [] : await deps.events.load(wanted)
    return new Map(
      found
        .filter(({ event }) => (utc(event.at) ?? '') < from && inTree(event))
        .map(({ chain, event }) => [chain, event]),
    )
  }

  const eventSection = async () => {
    const filter: EventFilter = {
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    }
    let calls = 0
    while (position.section === 'events' && bytes < exportPartBytes && calls < maxCalls) {
      const page = await deps.events.page({ index: 'day', key: position.day }, filter, {
        after: position.after,
        limit: eventsPerRead,
      })
      calls++
      const kept = (await settled(page.events)).filter(({ event }) => inTree(event))
      const anchors = window ? await anchorsOf(kept) : new Map<string, AuditEvent>()
      const proven = window ? [...anchors.values(), ...kept.map(({ event }) => event)] : []
      const paths =
        proven.length === 0 ? [] : await inclusionProofs(proven.map((event) => event.leafIndex ?? 0))
      const pathOf = new Map(proven.map((event, i) => [event.eventId, (paths[i] ?? []).map(toHex)]))
      for (const { chain, event } of kept) {
        const anchor = anchors.get(chain)
        if (anchor !== undefined) {
          anchors.delete(chain)
          emit({ type: 'anchor', event: anchor, auditPath: pathOf.get(anchor.eventId) ?? [] })
        }
        write(eventLineText(event))
        if (window)
          emit({
            type: 'proof',
            eventId: event.eventId,
            leafIndex: event.leafIndex ?? 0,
            treeSize,
            auditPath: pathOf.get(event.eventId) ?? [],
          })
      }
      position = { ...position, events: position.events + kept.length }
      if (page.next !== undefined) position = { ...position, after: page.next }
      else if (position.day < position.last) {
        const { after: _after, ...rest } = position
        position = { ...rest, day: nextDay(position.day) }
      } else position = { ...position, section: 'end' }
    }
  }

  await checkpointSection()
  await eventSection()
  if (position.section === 'end') {
    emit({ type: 'end', events: position.events, checkpoints: position.checkpoints })
    return { text: `${lines.join('\n')}\n` }
  }
  return {
    text: lines.length === 0 ? '' : `${lines.join('\n')}\n`,
    nextCursor: sealCursor(binding, position),
  }
}
