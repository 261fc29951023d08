import { readFile } from 'node:fs/promises'
import { KMSClient } from '@aws-sdk/client-kms'
import type { PersonalDataVault } from '#shared/cases/personal-data.js'
import { envelopeVault, localDataKeys } from '../adapters/envelope-vault.js'
import { kmsDataKeys } from '../adapters/kms-data-keys.js'
import { type Config, config } from '../config.js'

/** The personal-data vault of a configuration: KMS data keys on AWS, the local key file on a laptop. */
export const personalDataVault = (settings: Config): PersonalDataVault => {
  const key = settings.EXCHANGE_DATA_KEY
  if (key.kind === 'kms')
    return envelopeVault(kmsDataKeys(new KMSClient({ region: settings.AWS_REGION }), key.keyId))
  const masterKey = readFile(key.path, 'utf8').then((text) => Buffer.from(text.trim(), 'base64'))
  // Read eagerly, fail on first use: a missing key file is reported by the request that needs it.
  masterKey.catch(() => undefined)
  return envelopeVault(localDataKeys(masterKey))
}

let built: PersonalDataVault | undefined

/** This process's vault, built once per cold start. */
export const vault = () => {
  built ??= personalDataVault(config())
  return built
}
