import { proveInclusion } from '#shared/audit/prove-inclusion.js'
import { auditTree } from '../../dependencies/audit-tree.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { proofs } = auditTree()

export const handler = httpHandler(routes.getInclusionProof, async ({ params, caller }) => ({
  body: await proveInclusion(proofs, { eventId: params.eventId, caller }),
}))
