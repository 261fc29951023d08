import type { InboxMessage } from '#shared/inbox/inbox-message.js'
import { formatTable } from './table.js'

/** Pulled messages as a table: what happened to which leg, and the lease that acks it. */
export const messageTable = (messages: readonly InboxMessage[]) =>
  formatTable(
    [
      { header: 'type' },
      { header: 'case' },
      { header: 'home' },
      { header: 'version', align: 'right' },
      { header: 'delivery', align: 'right' },
      { header: 'created' },
      { header: 'lease' },
    ],
    messages.map((message) => [
      message.type,
      message.caseId,
      message.home,
      String(message.version),
      String(message.deliveryCount),
      message.createdAt,
      message.lease,
    ]),
  )
