import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { CheckpointDeps } from '#shared/audit/checkpoint-log.js'
import type { TreeReadDeps } from '#shared/audit/get-latest-checkpoint.js'
import type { InclusionDeps } from '#shared/audit/prove-inclusion.js'
import type { ExchangeSigner } from '#shared/trust/exchange-signer.js'
import { dynamodbCaseParties } from '../adapters/dynamodb-case-parties.js'
import { dynamodbEventLocator } from '../adapters/dynamodb-event-locator.js'
import { dynamodbTreeStore } from '../adapters/dynamodb-tree-store.js'
import { dynamodbUnsealedEvents } from '../adapters/dynamodb-unsealed-events.js'
import { s3CheckpointArchive } from '../adapters/s3-checkpoint-archive.js'
import { type Config, config } from '../config.js'
import { s3Client } from './s3.js'
import { dynamodbClient } from './stores.js'

/**
 * What the checkpointer and the proofs need, built from one configuration. The checkpointer takes
 * the exchange's signer from the caller, so that functions which only read the tree never load KMS.
 */
export const auditTreeDependencies = (
  settings: Config,
  client: DynamoDBClient = dynamodbClient(settings),
) => {
  const tree = dynamodbTreeStore(client, settings.AUDIT_TABLE)
  const read: TreeReadDeps = { tree }
  const proofs: InclusionDeps = {
    tree,
    events: dynamodbEventLocator(client, settings.AUDIT_TABLE),
    parties: dynamodbCaseParties(client, settings.STATE_TABLE),
  }
  const checkpointer = (signer: ExchangeSigner): CheckpointDeps => ({
    tree,
    unsealed: dynamodbUnsealedEvents(client, settings.AUDIT_TABLE),
    archive: s3CheckpointArchive(s3Client(settings), settings.SEALED_BUCKET),
    signer,
    exchangeId: settings.EXCHANGE_ID,
    clock: () => new Date(),
  })
  return { read, proofs, checkpointer }
}

let built: ReturnType<typeof auditTreeDependencies> | undefined

/** This process's audit tree dependencies, built once per cold start. */
export const auditTree = () => {
  built ??= auditTreeDependencies(config())
  return built
}
