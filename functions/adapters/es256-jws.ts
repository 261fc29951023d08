import { calculateJwkThumbprint, type JWK } from 'jose'
import type { ExchangePublicKey, ExchangeTokenType } from '#shared/trust/exchange-signer.js'

/** Builds a compact ES256 JWS around a signer of the JWS signing input returning raw `r || s`. */
export const signCompact = async (
  key: ExchangePublicKey,
  typ: ExchangeTokenType,
  claims: Record<string, unknown>,
  signInput: (input: Buffer) => Promise<Uint8Array>,
): Promise<string> => {
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: key.kid, typ })).toString('base64url')
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url')
  const signingInput = `${header}.${payload}`
  const signature = await signInput(Buffer.from(signingInput, 'ascii'))
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`
}

/** The published form of a P-256 public JWK, named by its RFC 7638 thumbprint. */
export const publishedKey = async (jwk: JWK): Promise<ExchangePublicKey> => {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || jwk.x === undefined || jwk.y === undefined) {
    throw new TypeError('the exchange signing key must be an EC P-256 key')
  }
  const kid = await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y })
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' }
}
