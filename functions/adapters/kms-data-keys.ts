import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms'
import type { DataKeyProvider } from './envelope-vault.js'

/** Data keys from KMS: the plaintext key lives only in memory, KMS checks the context on unwrap. */
export const kmsDataKeys = (client: KMSClient, keyId: string): DataKeyProvider => ({
  async generate(context) {
    const { Plaintext, CiphertextBlob } = await client.send(
      new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }),
    )
    if (Plaintext === undefined || CiphertextBlob === undefined) throw new Error('KMS returned no data key')
    return { plaintext: Plaintext, wrapped: CiphertextBlob }
  },
  async unwrap(wrapped, context) {
    const { Plaintext } = await client.send(
      new DecryptCommand({ KeyId: keyId, CiphertextBlob: wrapped, EncryptionContext: context }),
    )
    if (Plaintext === undefined) throw new Error('KMS returned no plaintext key')
    return Plaintext
  },
})
