import { KMSClient } from '@aws-sdk/client-kms'
import type { ExchangeSigner } from '#shared/trust/exchange-signer.js'
import { fileExchangeSigner } from '../adapters/file-exchange-signer.js'
import { kmsExchangeSigner } from '../adapters/kms-exchange-signer.js'
import { type Config, config } from '../config.js'

/** The exchange's signer for a configuration: its KMS key on AWS, its key file on a laptop. */
export const exchangeSigner = (settings: Config): ExchangeSigner => {
  const key = settings.EXCHANGE_SIGNING_KEY
  return key.kind === 'kms'
    ? kmsExchangeSigner(new KMSClient({ region: settings.AWS_REGION }), key.keyId)
    : fileExchangeSigner(key.path)
}

let built: ExchangeSigner | undefined

/** This process's signer, built once per cold start. */
export const signer = () => {
  built ??= exchangeSigner(config())
  return built
}
