import { DomainError, type FieldError } from '../errors.js'
import { algorithmOf } from '../registry/jwks.js'
import type { Participant } from '../registry/participant.js'
import type { SignatureVerifier } from '../trust/authenticate.js'
import { clockSkewSeconds, signatureShapeProblem } from '../trust/token-rules.js'
import { Manifest, ManifestHeader, maxManifestBytes, type Purpose } from './manifest.js'

/** What checking a manifest needs: a signature check with one registered key, and the time. */
export type ManifestVerifierDeps = { verifier: SignatureVerifier; clock: () => Date }

/** Where the manifest sits in every request body that carries one. */
export const manifestPath = '/manifest'

/** A refusal of the manifest; messages name rules, never values (file names can be personal data). */
export const documentMismatch = (errors: FieldError[]) =>
  new DomainError('document-mismatch', 'The manifest does not match the documents the exchange holds.', {
    errors,
  })

const refuse = (message: string, path = manifestPath) => documentMismatch([{ path, message }])

const compactJws = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/

const decodeJson = (segment: string): unknown => {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
}

const pointer = (path: readonly PropertyKey[]) => path.map((part) => `/${String(part)}`).join('')

/**
 * Checks a manifest the way the contract says (section 5): a compact JWS with the header
 * `{alg, kid, typ: exchange-manifest+jwt}`, signed by a key registered to the submitting
 * participant (and to nobody else: keys come only from its JWKS), issued by it, for the purpose
 * the operation expects. Answers the claims, or refuses with `document-mismatch`.
 */
export const verifyManifest = async (
  deps: ManifestVerifierDeps,
  input: { token: string; submitter: Participant; purpose: Purpose },
): Promise<Manifest> => {
  const { token, submitter } = input
  const parts = token.length <= maxManifestBytes ? compactJws.exec(token) : null
  if (parts === null) throw refuse(`must be a compact JWS of at most ${maxManifestBytes} bytes`)
  const [, headerSegment = '', payloadSegment = '', signatureSegment = ''] = parts
  const header = ManifestHeader.safeParse(decodeJson(headerSegment))
  if (!header.success) {
    throw refuse('the header must be exactly {alg: ES256|EdDSA, kid, typ: exchange-manifest+jwt}')
  }
  const claims = Manifest.safeParse(decodeJson(payloadSegment))
  if (!claims.success) {
    throw documentMismatch(
      claims.error.issues.map((issue) => ({
        path: `${manifestPath}${pointer(issue.path)}`,
        message: issue.message,
      })),
    )
  }
  if (claims.data.iss !== submitter.id) throw refuse('must be issued (iss) by the submitting participant')
  const key = submitter.jwks.keys.find((candidate) => candidate.kid === header.data.kid)
  const signed =
    key !== undefined &&
    algorithmOf(key) === header.data.alg &&
    signatureShapeProblem(header.data.alg, Buffer.from(signatureSegment, 'base64url')) === undefined &&
    (await deps.verifier.verify(token, key, `${submitter.id}#${submitter.version}#${key.kid}`))
  if (!signed)
    throw refuse('the signature does not verify with a key registered to the submitting participant')
  if (claims.data.purpose !== input.purpose) throw refuse(`the purpose must be ${input.purpose}`)
  if (claims.data.iat > Math.floor(deps.clock().getTime() / 1000) + clockSkewSeconds) {
    throw refuse('was issued in the future (iat)')
  }
  return claims.data
}
