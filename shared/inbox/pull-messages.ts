import * as z from 'zod'
import { InboxMessage } from './inbox-message.js'
import type { InboxStore, PullCandidate, StoredMessage } from './inbox-store.js'
import { encodeLease } from './lease.js'

/**
 * The body of `POST /v1/inbox/pull`. Without a component id, so OpenAPI documents it as a request
 * (both fields optional) rather than as the parsed value with its defaults filled in.
 */
export const PullRequest = z.strictObject({
  max: z.number().int().min(1).max(100).default(10),
  leaseSeconds: z.number().int().min(10).max(900).default(60),
})
export type PullRequest = z.infer<typeof PullRequest>

/** What a pull answers: the messages now leased to the caller, oldest first. */
export const PulledMessages = z
  .strictObject({ messages: z.array(InboxMessage) })
  .meta({ id: 'PulledMessages' })
export type PulledMessages = z.infer<typeof PulledMessages>

/** What a pull needs: the inbox, a clock, fresh lease tokens and a random number in [0, 1). */
export type PullDeps = {
  inbox: InboxStore
  clock: () => Date
  newLeaseToken: () => string
  random: () => number
}

/**
 * How many index pages one pull reads at most. Each page holds at most twice the messages still
 * wanted, so a pull costs the same whether 100 or 100,000 messages wait; more pages only help when
 * other pullers of the same recipient win most races.
 */
const maxPages = 3

const delivered = (stored: StoredMessage, token: string): InboxMessage => ({
  ...stored.record,
  lease: encodeLease({ caseId: stored.caseId, seq: stored.seq, token }),
  deliveryCount: stored.deliveryCount,
})

/** The candidates in random order (Fisher-Yates), so concurrent pullers rarely race for the same ones. */
const shuffled = <T>(items: readonly T[], random: () => number): T[] => {
  const result = [...items]
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const swap = result[i] as T
    result[i] = result[j] as T
    result[j] = swap
  }
  return result
}

const oldestFirst = (a: InboxMessage, b: InboxMessage) =>
  a.createdAt.localeCompare(b.createdAt) || a.messageId.localeCompare(b.messageId)

/**
 * `POST /v1/inbox/pull`: leases up to `max` of the caller's visible messages for `leaseSeconds`.
 * Candidates come from the (eventually consistent) pullable index, a page of the longest-visible
 * ones at a time, tried in random order; each lease is a conditional write on the message itself,
 * so of two pullers racing for a message exactly one gets it and the other moves on. Candidates are
 * leased in waves of what is still wanted, never more: a message leased and not returned would be
 * hidden for nothing.
 */
export const pullMessages = async (
  deps: PullDeps,
  request: { recipient: string } & PullRequest,
): Promise<PulledMessages> => {
  const { recipient, max } = request
  const now = deps.clock().getTime()
  const until = now + request.leaseSeconds * 1000
  const messages: InboxMessage[] = []
  const tryLease = async (candidate: PullCandidate) => {
    const token = deps.newLeaseToken()
    const stored = await deps.inbox.lease(recipient, candidate, { token, until })
    return stored === undefined ? undefined : delivered(stored, token)
  }
  let after: PullCandidate | undefined
  for (let page = 0; page < maxPages && messages.length < max; page++) {
    const limit = 2 * (max - messages.length)
    const listed = await deps.inbox.pullable(recipient, now, limit, after)
    const candidates = shuffled(listed, deps.random)
    let offset = 0
    while (messages.length < max && offset < candidates.length) {
      const wave = candidates.slice(offset, offset + max - messages.length)
      offset += wave.length
      for (const message of await Promise.all(wave.map(tryLease))) {
        if (message !== undefined) messages.push(message)
      }
    }
    if (listed.length < limit) break
    after = listed.at(-1)
  }
  return { messages: messages.sort(oldestFirst) }
}
