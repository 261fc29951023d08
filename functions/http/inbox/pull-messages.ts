import { pullMessages } from '#shared/inbox/pull-messages.js'
import { stores } from '../../dependencies/stores.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { inbox } = stores()

export const handler = httpHandler(routes.pullMessages, async ({ body, caller }) => ({
  body: await pullMessages(inbox, { recipient: caller.participant, ...body }),
}))
