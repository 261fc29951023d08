import { getLatestCheckpoint } from '#shared/audit/get-latest-checkpoint.js'
import { auditTree } from '../../dependencies/audit-tree.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { read } = auditTree()

export const handler = httpHandler(routes.getLatestCheckpoint, async () => ({
  body: await getLatestCheckpoint(read),
}))
