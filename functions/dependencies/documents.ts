import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { UploadDeps } from '#shared/packages/create-uploads.js'
import type { PackageReadDeps } from '#shared/packages/read-packages.js'
import type { SealDeps } from '#shared/packages/seal-package.js'
import type { ExchangeSigner } from '#shared/trust/exchange-signer.js'
import { dynamodbCaseParties } from '../adapters/dynamodb-case-parties.js'
import { dynamodbPackageRecords } from '../adapters/dynamodb-package-records.js'
import { dynamodbUploadRecords } from '../adapters/dynamodb-upload-records.js'
import { joseSignatureVerifier } from '../adapters/jose-signature-verifier.js'
import { s3DocumentStore } from '../adapters/s3-document-store.js'
import { uuidV7 } from '../adapters/uuid-v7.js'
import { type Config, config } from '../config.js'
import { buckets } from '../storage-layout.js'
import { s3Client } from './s3.js'
import { auditedWriteDependencies, dynamodbClient } from './stores.js'

const clock = () => new Date()

/**
 * What uploads, package reads and sealing need, built from one configuration. Sealing takes the
 * exchange's signer from the caller, so that functions which never seal never load the KMS client.
 */
export const documentDependencies = (
  settings: Config,
  dynamodb: DynamoDBClient = dynamodbClient(settings),
) => {
  const documents = s3DocumentStore(s3Client(settings), {
    staging: settings.STAGING_BUCKET,
    sealed: settings.SEALED_BUCKET,
  })
  const audited = auditedWriteDependencies(settings, dynamodb)
  const uploads: UploadDeps = {
    ...audited,
    documents,
    newDocumentId: () => uuidV7(clock()),
    stagedForSeconds: buckets.staging.expireAfterDays * 86_400,
  }
  const reads: PackageReadDeps = {
    ...audited,
    parties: dynamodbCaseParties(dynamodb, settings.STATE_TABLE),
    packages: dynamodbPackageRecords(dynamodb, settings.STATE_TABLE),
    documents,
  }
  const uploadRecords = dynamodbUploadRecords(dynamodb, settings.STATE_TABLE)
  const verifier = joseSignatureVerifier()
  const sealing = (signer: ExchangeSigner): SealDeps => ({
    verifier,
    clock,
    uploads: uploadRecords,
    documents,
    signer,
    exchangeId: settings.EXCHANGE_ID,
  })
  return { uploads, reads, sealing }
}

let built: ReturnType<typeof documentDependencies> | undefined

/** This process's document dependencies, built once per cold start. */
export const documents = () => {
  built ??= documentDependencies(config())
  return built
}
