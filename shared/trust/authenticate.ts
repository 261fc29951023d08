import { DomainError } from '../errors.js'
import { findParticipant, type ParticipantDirectory } from '../registry/find-participant.js'
import { algorithmOf, type PublicJwk } from '../registry/jwks.js'
import type { Principal } from './principal.js'
import {
  claimsProblem,
  clockSkewSeconds,
  maxTokenBytes,
  RequestTokenClaims,
  RequestTokenHeader,
  signatureShapeProblem,
} from './token-rules.js'

/** Checks a compact JWS signature with one registered key; never looks for keys anywhere else. */
export interface SignatureVerifier {
  /** `keyCacheKey` names the key's registry version, so a rotated key is never served from a cache. */
  verify(token: string, key: PublicJwk, keyCacheKey: string): Promise<boolean>
}

/** Remembers which token ids an issuer has used until the tokens expire. */
export interface ReplayGuard {
  /** Records the first use of `jti` by `issuer`; answers `false` if it was used before. */
  claim(issuer: string, jti: string, expiresAt: Date): Promise<boolean>
}

export type AuthenticateDeps = ParticipantDirectory & {
  verifier: SignatureVerifier
  replay: ReplayGuard
  exchangeId: string
  clock: () => Date
}

const refuse = (why: string) => new DomainError('unauthenticated', `The request token was refused: ${why}.`)

const base64url = /^[A-Za-z0-9_-]*$/

const decodeJson = (segment: string): unknown => {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
}

/**
 * Turns an `Authorization` header into the caller it proves (contract section 2): the key comes
 * only from the issuer's registered JWKS, the cheap checks run before the signature, and the `jti`
 * is spent last so that a refused token does not burn it. The `jti` is kept while the token could
 * still pass the expiry check (until `exp` plus the allowed clock skew).
 */
export const authenticate = async (
  deps: AuthenticateDeps,
  authorization: string | undefined,
): Promise<Principal> => {
  const token = /^Bearer ([^\s]+)$/i.exec(authorization ?? '')?.[1]
  if (token === undefined) throw refuse('no bearer token')
  if (token.length > maxTokenBytes) throw refuse(`the token is over ${maxTokenBytes} bytes`)
  const segments = token.split('.')
  if (segments.length !== 3 || !segments.every((segment) => base64url.test(segment))) {
    throw refuse('not a compact JWS')
  }
  const [headerSegment = '', payloadSegment = '', signatureSegment = ''] = segments
  const header = RequestTokenHeader.safeParse(decodeJson(headerSegment))
  if (!header.success) throw refuse('the header is not {alg: ES256|EdDSA, kid, typ: exchange-req+jwt}')
  const claims = RequestTokenClaims.safeParse(decodeJson(payloadSegment))
  if (!claims.success) throw refuse('the claims iss, sub, aud, iat, exp and jti are required')
  const problem = claimsProblem(claims.data, deps.exchangeId, deps.clock())
  if (problem !== undefined) throw refuse(problem)
  const shape = signatureShapeProblem(header.data.alg, Buffer.from(signatureSegment, 'base64url'))
  if (shape !== undefined) throw refuse(shape)

  const participant = await findParticipant(deps, claims.data.iss)
  const key = participant?.jwks.keys.find((candidate) => candidate.kid === header.data.kid)
  if (participant === undefined || key === undefined) throw refuse('unknown issuer or key')
  if (algorithmOf(key) !== header.data.alg) throw refuse('the algorithm does not match the key')
  if (!(await deps.verifier.verify(token, key, `${participant.id}#${participant.version}#${key.kid}`))) {
    throw refuse('bad signature')
  }
  if (participant.status === 'suspended') {
    throw new DomainError('suspended', 'The participant is suspended from the exchange.')
  }
  if (
    !(await deps.replay.claim(
      participant.id,
      claims.data.jti,
      new Date((claims.data.exp + clockSkewSeconds) * 1000),
    ))
  ) {
    throw refuse('the jti was already used')
  }
  return { participant: participant.id, sub: claims.data.sub, roles: participant.roles }
}
