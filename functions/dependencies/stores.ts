import { randomBytes } from 'node:crypto'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { AuditedWriteDeps } from '#shared/audit/append-audited.js'
import type { AckDeps } from '#shared/inbox/ack-messages.js'
import type { EnqueueDeps } from '#shared/inbox/enqueue.js'
import type { PullDeps } from '#shared/inbox/pull-messages.js'
import type { RegistryDeps } from '#shared/registry/register-participant.js'
import type { AuthenticateDeps } from '#shared/trust/authenticate.js'
import { dynamodbChainReader } from '../adapters/dynamodb-chain-reader.js'
import { dynamodbChangeWriter } from '../adapters/dynamodb-change-writer.js'
import { dynamodbInboxStore } from '../adapters/dynamodb-inbox-store.js'
import { dynamodbRecordReader } from '../adapters/dynamodb-record-reader.js'
import { dynamodbReplayGuard } from '../adapters/dynamodb-replay-guard.js'
import { joseSignatureVerifier } from '../adapters/jose-signature-verifier.js'
import { uuidV7 } from '../adapters/uuid-v7.js'
import { type Config, config } from '../config.js'

/** Loopback stores accept any credentials; on AWS the function's role signs the requests. */
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' }

/** The DynamoDB client of this configuration: the regional endpoint, or DynamoDB Local. */
export const dynamodbClient = (settings: Config) =>
  new DynamoDBClient({
    region: settings.AWS_REGION,
    ...(settings.DYNAMODB_ENDPOINT === undefined
      ? {}
      : { endpoint: settings.DYNAMODB_ENDPOINT, credentials: localCredentials }),
  })

/** The clock every use case reads; tests of time rules pass their own. */
const clock = () => new Date()

/** The atomic writer with its audit chains, clock and event ids: what every audited write shares. */
export const auditedWriteDependencies = (settings: Config, client: DynamoDBClient): AuditedWriteDeps => ({
  chains: dynamodbChainReader(client, settings.AUDIT_TABLE),
  writer: dynamodbChangeWriter(client, {
    state: settings.STATE_TABLE,
    audit: settings.AUDIT_TABLE,
    inbox: settings.INBOX_TABLE,
  }),
  clock,
  newEventId: () => uuidV7(clock()),
  stamp: clock,
})

/** Everything the registry and authentication need, built from one configuration. */
export const storeDependencies = (settings: Config, client: DynamoDBClient = dynamodbClient(settings)) => {
  const records = dynamodbRecordReader(client, settings.STATE_TABLE)
  const registry: RegistryDeps & { adminJwks: Config['EXCHANGE_ADMIN_JWKS'] } = {
    ...auditedWriteDependencies(settings, client),
    records,
    adminJwks: settings.EXCHANGE_ADMIN_JWKS,
  }
  const trust: AuthenticateDeps = {
    records,
    adminJwks: settings.EXCHANGE_ADMIN_JWKS,
    verifier: joseSignatureVerifier(),
    replay: dynamodbReplayGuard(client, settings.NONCE_TABLE),
    exchangeId: settings.EXCHANGE_ID,
    clock,
  }
  // Pull and ack, and what a case write needs to enqueue messages (spread it into its deps).
  const inbox: AckDeps & PullDeps & EnqueueDeps = {
    writer: registry.writer,
    chains: registry.chains,
    clock,
    newEventId: registry.newEventId,
    inbox: dynamodbInboxStore(client, settings.INBOX_TABLE),
    newMessageId: () => uuidV7(clock()),
    newLeaseToken: () => randomBytes(16).toString('base64url'),
    random: Math.random,
  }
  return { registry, trust, inbox }
}

let built: ReturnType<typeof storeDependencies> | undefined

/** This process's store dependencies, built once per cold start. */
export const stores = () => {
  built ??= storeDependencies(config())
  return built
}
