import { auditTreeDependencies } from '#functions/dependencies/audit-tree.js'
import { exchangeSigner } from '#functions/dependencies/signer.js'
import { checkpointLog, runLimits } from '#shared/audit/checkpoint-log.js'
import { localDynamodb, localSettings } from './local-documents.js'

/** The checkpointer the job runs, over the local stack's stores. */
export const localCheckpointer = () =>
  auditTreeDependencies(localSettings, localDynamodb).checkpointer(exchangeSigner(localSettings))

/** Seals every event in the log so far into the tree and signs a checkpoint, as the job does every minute. */
export const checkpointEverything = async () => {
  const deps = localCheckpointer()
  for (let run = 0; run < 20; run++) {
    const { appended } = await checkpointLog(deps)
    if (appended < runLimits.maxLeaves) return
  }
}
