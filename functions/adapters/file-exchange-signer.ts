import { createPrivateKey, sign } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { JWK } from 'jose'
import type { ExchangePublicKey, ExchangeSigner } from '#shared/trust/exchange-signer.js'
import { publishedKey, signCompact } from './es256-jws.js'

/** Signs with a private P-256 JWK read from a file: the laptop's stand-in for the KMS key. */
export const fileExchangeSigner = (path: string): ExchangeSigner => {
  const loaded = readFile(path, 'utf8').then(async (text) => {
    const jwk = JSON.parse(text) as JWK
    return {
      key: await publishedKey(jwk),
      privateKey: createPrivateKey({ key: jwk as never, format: 'jwk' }),
    }
  })
  return {
    async publicKeys(): Promise<ExchangePublicKey[]> {
      return [(await loaded).key]
    },
    async sign(typ, claims) {
      const { key, privateKey } = await loaded
      return signCompact(key, typ, claims, async (input) =>
        sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
      )
    },
  }
}
