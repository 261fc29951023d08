import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { ExportDeps } from '#shared/audit/export-audit.js'
import type { QueryEventsDeps } from '#shared/audit/query-events.js'
import type { ExchangeSigner } from '#shared/trust/exchange-signer.js'
import { dynamodbCaseParties } from '../adapters/dynamodb-case-parties.js'
import { dynamodbCheckpointHistory } from '../adapters/dynamodb-checkpoint-history.js'
import { dynamodbEventIndex } from '../adapters/dynamodb-event-index.js'
import { dynamodbTreeStore } from '../adapters/dynamodb-tree-store.js'
import { type Config, config } from '../config.js'
import { dynamodbClient } from './stores.js'

const clock = () => new Date()

/**
 * What reading the audit log needs, built from one configuration: the events query, and the
 * export, which takes the exchange's signer from the caller for its public keys.
 */
export const auditLogDependencies = (settings: Config, client: DynamoDBClient = dynamodbClient(settings)) => {
  const events = dynamodbEventIndex(client, settings.AUDIT_TABLE)
  const query: QueryEventsDeps = {
    events,
    parties: dynamodbCaseParties(client, settings.STATE_TABLE),
    clock,
  }
  const exporting = (signer: Pick<ExchangeSigner, 'publicKeys'>): ExportDeps => ({
    events,
    tree: dynamodbTreeStore(client, settings.AUDIT_TABLE),
    checkpoints: dynamodbCheckpointHistory(client, settings.AUDIT_TABLE),
    publicKeys: () => signer.publicKeys(),
    exchangeId: settings.EXCHANGE_ID,
    clock,
  })
  return { query, exporting }
}

let built: ReturnType<typeof auditLogDependencies> | undefined

/** This process's audit log dependencies, built once per cold start. */
export const auditLog = () => {
  built ??= auditLogDependencies(config())
  return built
}
