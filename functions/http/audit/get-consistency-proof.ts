import { proveConsistency } from '#shared/audit/prove-consistency.js'
import { auditTree } from '../../dependencies/audit-tree.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { read } = auditTree()

export const handler = httpHandler(routes.getConsistencyProof, async ({ query }) => ({
  body: await proveConsistency(read, query),
}))
