import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { PersonalData, PersonalDataVault, SealedPersonalData } from '#shared/cases/personal-data.js'

/** Where data keys come from: KMS on AWS, a key file locally. Both bind keys to an encryption context. */
export type DataKeyProvider = {
  generate(context: Record<string, string>): Promise<{ plaintext: Uint8Array; wrapped: Uint8Array }>
  unwrap(wrapped: Uint8Array, context: Record<string, string>): Promise<Uint8Array>
}

const aad = (caseId: string) => Buffer.from(`case:${caseId}`, 'utf8')

/** Encrypts each case's personal data under a fresh data key (AES-256-GCM, the case id as AAD). */
export const envelopeVault = (keys: DataKeyProvider): PersonalDataVault => ({
  async seal(data, { caseId }): Promise<SealedPersonalData> {
    const { plaintext, wrapped } = await keys.generate({ caseId })
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', plaintext, iv).setAAD(aad(caseId))
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()])
    return {
      alg: 'A256GCM',
      wrappedKey: Buffer.from(wrapped).toString('base64'),
      iv: iv.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    }
  },
  async open(sealed, { caseId }): Promise<PersonalData> {
    const key = await keys.unwrap(Buffer.from(sealed.wrappedKey, 'base64'), { caseId })
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64')).setAAD(
      aad(caseId),
    )
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'))
    const text = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()])
    return JSON.parse(text.toString('utf8')) as PersonalData
  },
})

/**
 * Data keys wrapped by a local 32-byte master key (AES-256-GCM, the context as AAD): the laptop's
 * stand-in for KMS GenerateDataKey/Decrypt, with the same binding to the context.
 */
export const localDataKeys = (masterKey: Promise<Uint8Array>): DataKeyProvider => {
  const contextAad = (context: Record<string, string>) =>
    Buffer.from(JSON.stringify(Object.entries(context).sort()), 'utf8')
  return {
    async generate(context) {
      const plaintext = randomBytes(32)
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', await masterKey, iv).setAAD(contextAad(context))
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
      return { plaintext, wrapped: Buffer.concat([iv, cipher.getAuthTag(), body]) }
    },
    async unwrap(wrapped, context) {
      const bytes = Buffer.from(wrapped)
      const decipher = createDecipheriv('aes-256-gcm', await masterKey, bytes.subarray(0, 12)).setAAD(
        contextAad(context),
      )
      decipher.setAuthTag(bytes.subarray(12, 28))
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()])
    },
  }
}
