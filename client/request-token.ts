import { randomUUID } from 'node:crypto'
import { importJWK, type JWK, SignJWT } from 'jose'

/** A participant's identity as its own systems hold it: its id and a private signing JWK. */
export type ParticipantKey = { participant: string; jwk: JWK }

/**
 * A participant's JWK ready to sign what the exchange checks against its registered keys (request
 * tokens, manifests): the algorithm its type signs with, the kid it is registered under, the key.
 */
export const signingKeyOf = async (jwk: JWK) => {
  if (jwk.kid === undefined) throw new TypeError('the signing JWK needs the kid it is registered under')
  const alg = jwk.kty === 'OKP' ? 'EdDSA' : 'ES256'
  return { alg, kid: jwk.kid, key: await importJWK(jwk, alg) }
}

/**
 * Mints the short-lived, single-use `exchange-req+jwt` every `/v1` call carries (contract
 * section 2): signed with the participant's registered key, for one exchange, living 60 s.
 */
export const requestToken = async (
  key: ParticipantKey,
  audience: string,
  options: { sub?: string; now?: Date } = {},
): Promise<string> => {
  const signing = await signingKeyOf(key.jwk)
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000)
  return new SignJWT({})
    .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'exchange-req+jwt' })
    .setIssuer(key.participant)
    .setSubject(options.sub ?? 'exchange-client')
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 60)
    .setJti(randomUUID())
    .sign(signing.key)
}
