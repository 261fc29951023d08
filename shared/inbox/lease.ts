import * as z from 'zod'
import { InboxCaseId } from './inbox-message.js'
import type { MessagePosition } from './inbox-store.js'

/** The highest seq a case's messages can reach (twelve digits in storage keys). */
export const maxSeq = 999_999_999_999

/** What a lease names: the message's position and the token its latest lease was given. */
export type HeldLease = MessagePosition & { token: string }

const LeaseContent = z.tuple([
  InboxCaseId,
  z.number().int().min(1).max(maxSeq),
  z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
])

/** The lease a client acks with: opaque to it, and naming no recipient (the caller is the recipient). */
export const encodeLease = ({ caseId, seq, token }: HeldLease): string =>
  Buffer.from(JSON.stringify([caseId, seq, token]), 'utf8').toString('base64url')

/** What a lease names, or undefined for anything the exchange did not issue in this form. */
export const decodeLease = (lease: string): HeldLease | undefined => {
  let content: unknown
  try {
    content = JSON.parse(Buffer.from(lease, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  const parsed = LeaseContent.safeParse(content)
  if (!parsed.success) return undefined
  const [caseId, seq, token] = parsed.data
  return { caseId, seq, token }
}
