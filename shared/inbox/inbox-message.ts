import * as z from 'zod'
import { Instant, ParticipantId } from '../registry/ids.js'

/** What happened, as a recipient's system learns it (contract section 7). */
export const MessageType = z
  .enum([
    'case.submitted',
    'case.resubmitted',
    'case.withdrawn',
    'case.delivered',
    'case.intake-approved',
    'case.intake-rejected',
    'case.supplement-requested',
    'case.accepted',
    'case.approved',
    'case.rejected',
    'case.deadline-warning',
    'case.overdue',
  ])
  .meta({ id: 'MessageType' })
export type MessageType = z.infer<typeof MessageType>

/**
 * A case id as the inbox keeps it: it becomes part of a storage key and of every lease, so its
 * alphabet is closed (no `#`, no `/`) and its length bounded.
 */
export const InboxCaseId = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/)

/** One message as a pull delivers it: the event, the lease that acks it, and how often it was delivered. */
export const InboxMessage = z
  .strictObject({
    messageId: z.string(),
    /** Opaque: hand it back to `POST /v1/inbox/ack` to remove the message. */
    lease: z.string(),
    type: MessageType,
    caseId: InboxCaseId,
    /** The home whose leg the event is about. */
    home: ParticipantId,
    /** The leg's version after the event. */
    version: z.number().int().min(1),
    createdAt: Instant,
    /** How many times the message was handed out, this delivery included. */
    deliveryCount: z.number().int().min(1),
    body: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'InboxMessage' })
export type InboxMessage = z.infer<typeof InboxMessage>

/** A message as stored, before any delivery: what every delivery of it repeats. */
export type MessageRecord = Omit<InboxMessage, 'lease' | 'deliveryCount'>

/** What a use case asks to send: one event about one leg, to one participant. */
export type NewMessage = {
  recipient: string
  type: MessageType
  caseId: string
  home: string
  version: number
  body: Record<string, unknown>
}
