import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import type * as z from 'zod'
import { DomainError } from '../errors.js'

const digestOf = (binding: unknown, position: unknown) =>
  createHash('sha256')
    .update(canonicalize({ binding, position }) ?? '', 'utf8')
    .digest('base64url')
    .slice(0, 22)

/**
 * An opaque cursor: a position and a digest binding it to the query and caller it was issued for.
 * The digest only makes edits and cursors reused on another query fail loudly; what keeps data
 * safe is that the position is checked against the partition re-derived from caller and query.
 */
export const sealCursor = (binding: unknown, position: unknown): string =>
  Buffer.from(JSON.stringify({ p: position, d: digestOf(binding, position) }), 'utf8').toString('base64url')

/** A cursor the exchange did not issue for this query, or one edited since. */
export const invalidCursor = () =>
  new DomainError('validation-failed', 'The cursor is not one this exchange issued for this query.', {
    errors: [{ path: '/query/cursor', message: 'invalid cursor' }],
  })

/** Opens a cursor sealed for the same binding, or refuses it as 422 `validation-failed`. */
export const openCursor = <T>(cursor: string, binding: unknown, schema: z.ZodType<T>): T => {
  let sealed: unknown
  try {
    const bytes = Buffer.from(cursor, 'base64url')
    // Decoding skips stray characters; only the exact encoding of what was issued is accepted.
    if (bytes.toString('base64url') !== cursor) throw invalidCursor()
    sealed = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw invalidCursor()
  }
  if (typeof sealed !== 'object' || sealed === null || !('p' in sealed) || !('d' in sealed))
    throw invalidCursor()
  if (sealed.d !== digestOf(binding, sealed.p)) throw invalidCursor()
  const position = schema.safeParse(sealed.p)
  if (!position.success) throw invalidCursor()
  return position.data
}
