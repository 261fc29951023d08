import * as z from 'zod'
import { type AuditedWriteDeps, commitAudited } from '../audit/append-audited.js'
import type { Principal } from '../trust/principal.js'
import type { InboxStore } from './inbox-store.js'
import { decodeLease } from './lease.js'

/** The body of `POST /v1/inbox/ack`: the leases of the messages the caller is done with. */
export const AckRequest = z
  .strictObject({ leases: z.array(z.string().max(1024)).min(1).max(100) })
  .meta({ id: 'AckRequest' })
export type AckRequest = z.infer<typeof AckRequest>

/** What an ack answers: how many messages it removed, and how many leases no longer held one. */
export const AckResult = z
  .strictObject({ acked: z.number().int().min(0), stale: z.number().int().min(0) })
  .meta({ id: 'AckResult' })
export type AckResult = z.infer<typeof AckResult>

/** What acking needs: the audited store and the inbox. */
export type AckDeps = AuditedWriteDeps & { inbox: InboxStore }

/** How many leases of one request are acked at once. */
const concurrency = 10

type Outcome = 'acked' | 'stale'

/**
 * Acks one lease in one commit: the message goes, the case's order counts one fewer pending, the
 * case's next message (by the order, the seq after it) becomes pullable, and the ack is an audit
 * event. The next message is found from the order alone and the commit checks the order, so a
 * message enqueued meanwhile makes the commit rebuild instead of staying hidden. A lease that does
 * not hold its case's oldest message (malformed, another recipient's, acked, or expired and leased
 * again) is stale.
 */
const ackOne = (deps: AckDeps, caller: Principal, lease: string): Promise<Outcome> => {
  const held = decodeLease(lease)
  if (held === undefined) return Promise.resolve('stale')
  const recipient = caller.participant
  const { caseId, seq } = held
  return commitAudited(deps, async () => {
    const queue = await deps.inbox.caseQueue(recipient, caseId)
    const oldest = queue?.oldest
    if (queue === undefined || oldest?.seq !== seq || oldest.lease !== held.token) {
      return { changes: [], audit: [], result: 'stale' as Outcome }
    }
    const { order } = queue
    if (order.nextSeq - order.pending !== seq) {
      throw new Error(`inbox order of case ${caseId} does not start at its oldest message ${seq}`)
    }
    return {
      changes: [
        { kind: 'ack-message', recipient, caseId, seq, lease: held.token },
        {
          kind: 'put-inbox-order',
          recipient,
          caseId,
          order: { nextSeq: order.nextSeq, pending: order.pending - 1 },
          expected: order,
        },
        ...(order.pending > 1
          ? [
              {
                kind: 'reveal-message' as const,
                recipient,
                caseId,
                seq: seq + 1,
                visibleAt: deps.clock().getTime(),
              },
            ]
          : []),
      ],
      audit: [
        {
          actor: { participant: caller.participant, sub: caller.sub },
          action: 'inbox.acked',
          caseId,
          home: oldest.record.home,
          details: { messageId: oldest.record.messageId, type: oldest.record.type },
        },
      ],
      result: 'acked' as Outcome,
    }
  })
}

/** `POST /v1/inbox/ack`: removes the messages the caller's leases still hold; the rest are stale. */
export const ackMessages = async (
  deps: AckDeps,
  request: { caller: Principal } & AckRequest,
): Promise<AckResult> => {
  const outcomes: Outcome[] = []
  const queue = [...request.leases]
  const worker = async () => {
    for (let lease = queue.shift(); lease !== undefined; lease = queue.shift()) {
      outcomes.push(await ackOne(deps, request.caller, lease))
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker))
  const acked = outcomes.filter((outcome) => outcome === 'acked').length
  return { acked, stale: outcomes.length - acked }
}
