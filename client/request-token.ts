import { randomUUID } from 'node:crypto'
import { importJWK, type JWK, SignJWT } from 'jose'

/** A participant's identity as its own systems hold it: its id and a private signing JWK. */
export type ParticipantKey = { participant: string; jwk: JWK }

/**
 * Mints the short-lived, single-use `exchange-req+jwt` every `/v1` call carries (contract
 * section 2): signed with the participant's registered key, for one exchange, living 60 s.
 */
export const requestToken = async (
  key: ParticipantKey,
  audience: string,
  options: { sub?: string; now?: Date } = {},
): Promise<string> => {
  const alg = key.jwk.kty === 'OKP' ? 'EdDSA' : 'ES256'
  if (key.jwk.kid === undefined) throw new TypeError('the signing JWK needs the kid it is registered under')
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000)
  return new SignJWT({})
    .setProtectedHeader({ alg, kid: key.jwk.kid, typ: 'exchange-req+jwt' })
    .setIssuer(key.participant)
    .setSubject(options.sub ?? 'exchange-client')
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 60)
    .setJti(randomUUID())
    .sign(await importJWK(key.jwk, alg))
}
