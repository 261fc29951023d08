import { exportAudit } from '#shared/audit/export-audit.js'
import { auditLog } from '../../dependencies/audit-log.js'
import { signer } from '../../dependencies/signer.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const deps = auditLog().exporting(signer())

export const handler = httpHandler(routes.exportAudit, async ({ query, caller }) => {
  const part = await exportAudit(deps, { query, caller })
  return { body: part.text, nextCursor: part.nextCursor }
})
