import { queryEvents } from '#shared/audit/query-events.js'
import { auditLog } from '../../dependencies/audit-log.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { query: deps } = auditLog()

export const handler = httpHandler(routes.queryEvents, async ({ query, caller }) => ({
  body: await queryEvents(deps, { query, caller }),
}))
