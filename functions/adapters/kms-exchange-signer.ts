import { createHash } from 'node:crypto'
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms'
import { exportJWK, importSPKI } from 'jose'
import type { ExchangePublicKey, ExchangeSigner } from '#shared/trust/exchange-signer.js'
import { publishedKey, signCompact } from './es256-jws.js'

/** Reads one DER length at `offset`, returning it and where the content starts. */
const derLength = (der: Uint8Array, offset: number): [number, number] => {
  const first = der[offset] ?? 0
  if (first < 0x80) return [first, offset + 1]
  const bytes = first & 0x7f
  let length = 0
  for (let i = 1; i <= bytes; i++) length = (length << 8) | (der[offset + i] ?? 0)
  return [length, offset + 1 + bytes]
}

/** KMS answers ECDSA signatures DER-encoded; JWS wants the two 32-byte integers side by side. */
export const derToJose = (der: Uint8Array): Uint8Array => {
  const raw = new Uint8Array(64)
  let [, offset] = derLength(der, 1)
  for (const target of [0, 32]) {
    const [length, start] = derLength(der, offset + 1)
    const integer = der.subarray(start, start + length)
    const trimmed = integer.subarray(Math.max(0, integer.length - 32))
    raw.set(trimmed, target + 32 - trimmed.length)
    offset = start + length
  }
  return raw
}

/** Signs with the exchange's asymmetric KMS key (ECC_NIST_P256); the private key never leaves KMS. */
export const kmsExchangeSigner = (client: KMSClient, keyId: string): ExchangeSigner => {
  let key: Promise<ExchangePublicKey> | undefined
  const publicKey = () => {
    key ??= client.send(new GetPublicKeyCommand({ KeyId: keyId })).then(async ({ PublicKey }) => {
      if (PublicKey === undefined) throw new Error('KMS returned no public key')
      const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(PublicKey).toString('base64')}\n-----END PUBLIC KEY-----`
      return publishedKey(await exportJWK(await importSPKI(pem, 'ES256', { extractable: true })))
    })
    key.catch(() => {
      key = undefined
    })
    return key
  }
  return {
    async publicKeys() {
      return [await publicKey()]
    },
    async sign(typ, claims) {
      return signCompact(await publicKey(), typ, claims, async (input) => {
        const { Signature } = await client.send(
          new SignCommand({
            KeyId: keyId,
            Message: createHash('sha256').update(input).digest(),
            MessageType: 'DIGEST',
            SigningAlgorithm: 'ECDSA_SHA_256',
          }),
        )
        if (Signature === undefined) throw new Error('KMS returned no signature')
        return derToJose(Signature)
      })
    },
  }
}
