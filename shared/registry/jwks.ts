import * as z from 'zod'
import { DomainError } from '../errors.js'

const base64url32 = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, { error: 'must be the base64url encoding of 32 bytes' })

/** Key ids are bounded and printable: they travel in token headers and in the kid index. */
export const KeyId = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, { error: 'must be 1-128 printable ASCII characters' })

const refused = z.never({ error: 'private key material must never be sent to the exchange' }).optional()
/** JWK members that only private or symmetric keys have: naming them documents the refusal. */
const privateMembers = {
  d: refused,
  p: refused,
  q: refused,
  dp: refused,
  dq: refused,
  qi: refused,
  oth: refused,
  k: refused,
}

const signatureUse = {
  use: z.literal('sig').optional(),
  key_ops: z.array(z.literal('verify')).max(1).optional(),
}

/** A public EC P-256 key for ES256. */
export const EcPublicJwk = z.strictObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: base64url32,
  y: base64url32,
  kid: KeyId,
  alg: z.literal('ES256').optional(),
  ...signatureUse,
  ...privateMembers,
})

/** A public Ed25519 key for EdDSA. */
export const OkpPublicJwk = z.strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: base64url32,
  kid: KeyId,
  alg: z.enum(['EdDSA', 'Ed25519']).optional(),
  ...signatureUse,
  ...privateMembers,
})

/** One public signing key; symmetric (`oct`), RSA and other curves are refused. */
export const PublicJwk = z.discriminatedUnion('kty', [EcPublicJwk, OkpPublicJwk]).meta({ id: 'PublicJwk' })
export type PublicJwk = z.infer<typeof PublicJwk>

/** A participant's verification keys: public only, each with a `kid` unique within the set. */
export const PublicJwks = z
  .strictObject({ keys: z.array(PublicJwk).min(1).max(10) })
  .superRefine((jwks, ctx) => {
    const seen = new Set<string>()
    jwks.keys.forEach((key, index) => {
      if (seen.has(key.kid))
        ctx.addIssue({ code: 'custom', path: ['keys', index, 'kid'], message: 'duplicate kid' })
      seen.add(key.kid)
    })
  })
  .meta({ id: 'PublicJwks' })
export type PublicJwks = z.infer<typeof PublicJwks>

/** The token algorithm each key type verifies; a key never verifies another algorithm. */
export const algorithmOf = (key: PublicJwk): 'ES256' | 'EdDSA' => (key.kty === 'EC' ? 'ES256' : 'EdDSA')

/** Parses a JWKS handed over by configuration, failing loudly with every problem. */
export const parsePublicJwks = (value: unknown, source: string): PublicJwks => {
  const parsed = PublicJwks.safeParse(value)
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ')
    throw new DomainError('validation-failed', `${source} is not a valid public JWKS (${problems}).`)
  }
  return parsed.data
}
