import * as z from 'zod'
import { KeyId } from '../registry/jwks.js'

/** The only algorithms a request token may use (contract section 2). */
export const requestAlgorithms = ['ES256', 'EdDSA'] as const

/** The `typ` of every request token. */
export const requestTokenType = 'exchange-req+jwt'

/** Tokens longer than this are refused before any parsing. */
export const maxTokenBytes = 8 * 1024

/** The longest lifetime (`exp - iat`) a request token may declare. */
export const maxTokenLifetimeSeconds = 300

/** How far apart the caller's and the exchange's clocks may be. */
export const clockSkewSeconds = 30

/**
 * The protected header: exactly these members. Anything else, `jku`, `x5u`, `jwk`, `x5c` and
 * `crit` included, is refused rather than ignored, so no header can point at a key of its own.
 */
export const RequestTokenHeader = z.strictObject({
  alg: z.enum(requestAlgorithms),
  kid: KeyId,
  typ: z.literal(requestTokenType),
})

const seconds = z.number().int().min(0)

/** The claims of a request token; other claims are allowed and ignored. */
export const RequestTokenClaims = z.looseObject({
  iss: z.string().min(1).max(128),
  sub: z.string().min(1).max(128),
  aud: z.string(),
  iat: seconds,
  exp: seconds,
  nbf: seconds.optional(),
  jti: z.string().min(1).max(128),
})
export type RequestTokenClaims = z.infer<typeof RequestTokenClaims>

/** Why a token's timing or audience is unacceptable at `now`, or `undefined` if it is acceptable. */
export const claimsProblem = (
  claims: RequestTokenClaims,
  audience: string,
  now: Date,
): string | undefined => {
  const nowSeconds = Math.floor(now.getTime() / 1000)
  if (claims.aud !== audience) return 'the token is for another audience'
  if (claims.exp <= claims.iat) return 'the token expires before it was issued'
  if (claims.exp - claims.iat > maxTokenLifetimeSeconds)
    return `the token lives longer than ${maxTokenLifetimeSeconds} s`
  if (claims.iat > nowSeconds + clockSkewSeconds) return 'the token was issued in the future'
  if (claims.nbf !== undefined && claims.nbf > nowSeconds + clockSkewSeconds)
    return 'the token is not valid yet'
  if (claims.exp <= nowSeconds - clockSkewSeconds) return 'the token has expired'
  return undefined
}

/**
 * Refuses signatures no honest signer produces: the wrong length (DER-encoded ECDSA included) and
 * an ECDSA `r` or `s` of zero ("psychic signatures"), whatever the crypto library below would say.
 */
export const signatureShapeProblem = (alg: (typeof requestAlgorithms)[number], signature: Uint8Array) => {
  if (signature.length !== 64) return 'the signature is not 64 raw bytes'
  if (alg === 'ES256') {
    const zero = (part: Uint8Array) => part.every((byte) => byte === 0)
    if (zero(signature.subarray(0, 32)) || zero(signature.subarray(32)))
      return 'the signature has a zero component'
  }
  return undefined
}
