import { ackMessages } from '#shared/inbox/ack-messages.js'
import { stores } from '../../dependencies/stores.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { inbox } = stores()

export const handler = httpHandler(routes.ackMessages, async ({ body, caller }) => ({
  body: await ackMessages(inbox, { caller, ...body }),
}))
