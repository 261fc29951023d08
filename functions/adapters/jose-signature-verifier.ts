import { type CryptoKey, compactVerify, importJWK } from 'jose'
import { algorithmOf, type PublicJwk } from '#shared/registry/jwks.js'
import type { SignatureVerifier } from '#shared/trust/authenticate.js'

const maxCachedKeys = 1000

/** Only the members that define the public key reach jose; `use`, `key_ops` and `alg` were checked. */
const publicMembers = (jwk: PublicJwk) =>
  jwk.kty === 'EC'
    ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }
    : { kty: jwk.kty, crv: jwk.crv, x: jwk.x }

/**
 * Verifies compact JWS with jose. Imported keys are cached per warm instance under a name that
 * includes the participant's registry version, so a rotation or suspension is never hidden by it.
 */
export const joseSignatureVerifier = (): SignatureVerifier => {
  const keys = new Map<string, Promise<CryptoKey | Uint8Array>>()
  return {
    async verify(token: string, jwk: PublicJwk, keyCacheKey: string) {
      let key = keys.get(keyCacheKey)
      if (key === undefined) {
        if (keys.size >= maxCachedKeys) keys.clear()
        key = importJWK(publicMembers(jwk), algorithmOf(jwk))
        keys.set(keyCacheKey, key)
        key.catch(() => keys.delete(keyCacheKey))
      }
      try {
        await compactVerify(token, await key, { algorithms: [algorithmOf(jwk)] })
        return true
      } catch {
        return false
      }
    },
  }
}
