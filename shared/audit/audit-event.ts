import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import * as z from 'zod'
import { Instant } from '../registry/ids.js'

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/)

/** Who did it: the participant that signed the request and the system it named as `sub`. */
export const Actor = z.strictObject({ participant: z.string(), sub: z.string() })
export type Actor = z.infer<typeof Actor>

/** One entry of the handoff log (contract section 8). Never holds personal data. */
export const AuditEvent = z
  .strictObject({
    eventId: z.string(),
    at: Instant,
    actor: Actor,
    action: z.string(),
    caseId: z.string().optional(),
    home: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    version: z.number().int().optional(),
    details: z.record(z.string(), z.unknown()),
    hash: sha256Hex,
    prevHash: sha256Hex,
    leafIndex: z.number().int().min(0).optional(),
  })
  .meta({ id: 'AuditEvent' })
export type AuditEvent = z.infer<typeof AuditEvent>

/** What a use case says happened; the chain supplies id, hashes and position. */
export type AuditDraft = Omit<AuditEvent, 'eventId' | 'at' | 'hash' | 'prevHash' | 'leafIndex'>

/** The last event of one chain: a case's, or (for events without a case) the acting participant's. */
export type ChainHead = { chain: string; seq: number; hash: string }

/** The hash the first event of a chain links to. */
export const genesisHash = '0'.repeat(64)

/** Events of a case chain per case; the others per acting participant (contract section 8). */
export const chainOf = (draft: Pick<AuditDraft, 'caseId' | 'actor'>): string =>
  draft.caseId === undefined ? `participant#${draft.actor.participant}` : `case#${draft.caseId}`

/** Hex SHA-256 of the event's JCS (RFC 8785) form without `hash` and `leafIndex`. */
export const hashEvent = (
  event: Omit<AuditEvent, 'hash' | 'leafIndex'> & {
    hash?: string | undefined
    leafIndex?: number | undefined
  },
) => {
  const { hash: _hash, leafIndex: _leafIndex, ...hashed } = event
  // canonicalize answers undefined only for undefined input; an event is always an object.
  const canonical = canonicalize(hashed) as string
  return createHash('sha256').update(canonical, 'utf8').digest('hex')
}

/** Links a draft after `head` (or starts a chain) and returns the sealed event and the new head. */
export const appendToChain = (
  head: ChainHead | undefined,
  draft: AuditDraft,
  stamp: { eventId: string; at: string },
): { event: AuditEvent; head: ChainHead } => {
  const chain = chainOf(draft)
  if (head !== undefined && head.chain !== chain)
    throw new TypeError(`event of ${chain} appended to ${head.chain}`)
  const unsealed = { eventId: stamp.eventId, at: stamp.at, ...draft, prevHash: head?.hash ?? genesisHash }
  const event = { ...unsealed, hash: hashEvent(unsealed) }
  return { event, head: { chain, seq: (head?.seq ?? 0) + 1, hash: event.hash } }
}
