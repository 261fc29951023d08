import { randomUUID } from 'node:crypto'
import { importJWK, type JWK, SignJWT } from 'jose'
import { newPrivateJwk, publicJwkOf } from '#local/keys.js'
import { PublicJwk } from '#shared/registry/jwks.js'

/** A key pair as a test holds it: the private JWK to sign with and the public JWK to register. */
export type SigningKey = { alg: 'ES256' | 'EdDSA'; privateJwk: JWK; publicJwk: PublicJwk }

/** A fresh key pair; `kid` overrides the thumbprint, to test kid reuse across keys. */
export const newSigningKey = async (alg: 'ES256' | 'EdDSA' = 'ES256', kid?: string): Promise<SigningKey> => {
  const privateJwk = await newPrivateJwk(alg)
  if (kid !== undefined) privateJwk.kid = kid
  return { alg, privateJwk, publicJwk: PublicJwk.parse(publicJwkOf(privateJwk)) }
}

type TokenOptions = { claims?: Record<string, unknown>; header?: Record<string, unknown> }

/** A request token as a partner mints it at `now`, signed with `key`; options bend it into defects. */
export const signRequestToken = async (
  key: SigningKey,
  issuer: string,
  now: Date,
  options: TokenOptions = {},
): Promise<string> => {
  const iat = Math.floor(now.getTime() / 1000)
  return new SignJWT({
    iss: issuer,
    sub: 'case-system',
    aud: 'exchange-test',
    iat,
    exp: iat + 120,
    jti: randomUUID(),
    ...options.claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.publicJwk.kid, typ: 'exchange-req+jwt', ...options.header })
    .sign(await importJWK(key.privateJwk, key.alg))
}
