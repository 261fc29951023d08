import { checkpointLog } from '#shared/audit/checkpoint-log.js'
import { auditTree } from '../dependencies/audit-tree.js'
import { signer } from '../dependencies/signer.js'
import { log } from '../logger.js'

const deps = auditTree().checkpointer(signer())

export const handler = async () => {
  const run = await checkpointLog(deps)
  log('info', 'audit checkpoint', run)
  return run
}
