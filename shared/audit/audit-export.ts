import canonicalize from 'canonicalize'
import * as z from 'zod'
import { AuditEvent } from './audit-event.js'

/**
 * The lines of an audit export (`GET /v1/audit/export`, `docs/audit-export.md`): NDJSON, one JSON
 * object per line, in this order: the header; every checkpoint up to the one the export is pinned
 * to, oldest first (in a window export each but the first followed by its consistency proof from
 * the one before); the events, each in a window export followed by its inclusion proof and, for
 * the first event of a chain in the window, preceded by its anchor; the end.
 */

/** The format name a header carries; a verifier refuses formats it does not know. */
export const exportFormat = 'exchange-audit-export/1'

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/)
const treeSize = z.number().int().min(0)

/**
 * The first line: who exported what, and the keys its checkpoints are signed with. `whole`
 * exports hold every event of the pinned tree (a verifier rebuilds the tree from them); `window`
 * exports hold the events stamped in `[from, to)`, each with an inclusion proof.
 */
export const ExportHeader = z.strictObject({
  type: z.literal('header'),
  format: z.literal(exportFormat),
  exchangeId: z.string(),
  exportedAt: z.string(),
  scope: z.enum(['whole', 'window']),
  from: z.string().optional(),
  to: z.string().optional(),
  /** The size of the tree of the latest checkpoint when the export began; every line is about it. */
  treeSize,
  /** The exchange's public keys (`/.well-known/jwks.json`) when the export began. */
  keys: z.strictObject({ keys: z.array(z.record(z.string(), z.unknown())) }),
})
export type ExportHeader = z.infer<typeof ExportHeader>

/** A signed checkpoint (`exchange-checkpoint+jwt` over `{ treeSize, rootHash }`), as issued. */
export const CheckpointLine = z.strictObject({ type: z.literal('checkpoint'), checkpoint: z.string() })
export type CheckpointLine = z.infer<typeof CheckpointLine>

/** The RFC 9162 consistency proof between the trees of two consecutive checkpoints. */
export const ConsistencyLine = z.strictObject({
  type: z.literal('consistency'),
  from: treeSize,
  to: treeSize,
  proof: z.array(sha256Hex),
})
export type ConsistencyLine = z.infer<typeof ConsistencyLine>

/** One event as stored, `leafIndex` included. */
export const EventLine = z.strictObject({ type: z.literal('event'), event: AuditEvent })
export type EventLine = z.infer<typeof EventLine>

/** The RFC 9162 inclusion proof of the event on the line before, against the pinned tree. */
export const ProofLine = z.strictObject({
  type: z.literal('proof'),
  eventId: z.string(),
  leafIndex: z.number().int().min(0),
  treeSize,
  auditPath: z.array(sha256Hex),
})
export type ProofLine = z.infer<typeof ProofLine>

/**
 * In a window export, the event before the window that the first event of a chain in it links to,
 * with its inclusion proof against the pinned tree: it shows that nothing of the chain between
 * the two was left out. It comes before the event that links to it and is not one of the events.
 */
export const AnchorLine = z.strictObject({
  type: z.literal('anchor'),
  event: AuditEvent,
  auditPath: z.array(sha256Hex),
})
export type AnchorLine = z.infer<typeof AnchorLine>

/** The last line: how many events and checkpoints came, so a cut-off download shows. */
export const EndLine = z.strictObject({
  type: z.literal('end'),
  events: z.number().int().min(0),
  checkpoints: z.number().int().min(0),
})
export type EndLine = z.infer<typeof EndLine>

/** Any line of an export. */
export type ExportLine =
  | ExportHeader
  | CheckpointLine
  | ConsistencyLine
  | EventLine
  | ProofLine
  | AnchorLine
  | EndLine

/** The claims of a checkpoint this format relies on; others (`iat`, `aud`, …) may come along. */
export const CheckpointClaims = z.looseObject({
  iss: z.string(),
  treeSize,
  rootHash: sha256Hex,
})
export type CheckpointClaims = z.infer<typeof CheckpointClaims>

/** The order events come in: their `at` (UTC, milliseconds, so text order is time order), then id. */
export const eventOrderKey = (event: Pick<AuditEvent, 'at' | 'eventId'>) => `${event.at}#${event.eventId}`

/** How event lines begin, and how the hash and leaf index end them, when written by `eventLineText`. */
export const eventLinePrefix = '{"type":"event","event":{'

/**
 * An event line as the exchange writes it: the event's members in RFC 8785 (JCS) form without
 * `hash` and `leafIndex`, which follow as its last members. The text between the prefix and
 * `,"hash":` is then, in braces, exactly what the event's hash is over, so a verifier may hash it as
 * it is instead of serialising the event again. Any JSON writing of the same line means the same.
 */
export const eventLineText = (event: AuditEvent): string => {
  const { hash, leafIndex, ...hashed } = event
  // canonicalize answers undefined only for undefined input; an event is always an object.
  const body = canonicalize(hashed) as string
  return `${eventLinePrefix}${body.slice(1, -1)},"hash":${JSON.stringify(hash)}${
    leafIndex === undefined ? '' : `,"leafIndex":${leafIndex}`
  }}}`
}
