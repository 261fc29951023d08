import { describe, expect, it } from 'vitest'
import {
  claimsProblem,
  clockSkewSeconds,
  maxTokenLifetimeSeconds,
  type RequestTokenClaims,
  RequestTokenHeader,
  signatureShapeProblem,
} from '#shared/trust/token-rules.js'

const audience = 'exchange-test'
const nowSeconds = 1_800_000_000
const now = new Date(nowSeconds * 1000)

/** Claims that pass every rule at `now`; each test bends one of them. */
const claims = (overrides: Partial<RequestTokenClaims> = {}): RequestTokenClaims => ({
  iss: 'xian-gaoxin',
  sub: 'case-system',
  aud: audience,
  iat: nowSeconds,
  exp: nowSeconds + 120,
  jti: 'jti-1',
  ...overrides,
})

describe('claimsProblem', () => {
  it('accepts a token issued now for this exchange', () => {
    expect(claimsProblem(claims(), audience, now)).toBeUndefined()
  })

  it('refuses a token for another audience', () => {
    expect(claimsProblem(claims({ aud: 'exchange-other' }), audience, now)).toBeDefined()
  })

  it('refuses a token that expires when it is issued', () => {
    expect(claimsProblem(claims({ exp: nowSeconds }), audience, now)).toBeDefined()
  })

  it('refuses a token that expires before it is issued', () => {
    expect(claimsProblem(claims({ exp: nowSeconds - 1 }), audience, now)).toBeDefined()
  })

  it('accepts a lifetime of exactly 300 s', () => {
    expect(maxTokenLifetimeSeconds).toBe(300)
    expect(claimsProblem(claims({ exp: nowSeconds + 300 }), audience, now)).toBeUndefined()
  })

  it('refuses a lifetime of 301 s', () => {
    expect(claimsProblem(claims({ exp: nowSeconds + 301 }), audience, now)).toBeDefined()
  })

  it('accepts a token issued up to 30 s in the future', () => {
    expect(clockSkewSeconds).toBe(30)
    const iat = nowSeconds + 30
    expect(claimsProblem(claims({ iat, exp: iat + 60 }), audience, now)).toBeUndefined()
  })

  it('refuses a token issued 31 s in the future', () => {
    const iat = nowSeconds + 31
    expect(claimsProblem(claims({ iat, exp: iat + 60 }), audience, now)).toBeDefined()
  })

  it('accepts a token not valid before a moment up to 30 s ahead', () => {
    expect(claimsProblem(claims({ nbf: nowSeconds + 30 }), audience, now)).toBeUndefined()
  })

  it('refuses a token not valid before a moment 31 s ahead', () => {
    expect(claimsProblem(claims({ nbf: nowSeconds + 31 }), audience, now)).toBeDefined()
  })

  it('accepts a token that expired less than 30 s ago', () => {
    const exp = nowSeconds - 29
    expect(claimsProblem(claims({ iat: exp - 120, exp }), audience, now)).toBeUndefined()
  })

  it('refuses a token that expired 30 s ago', () => {
    const exp = nowSeconds - 30
    expect(claimsProblem(claims({ iat: exp - 120, exp }), audience, now)).toBeDefined()
  })

  it('refuses a token that expired long ago', () => {
    const exp = nowSeconds - 3600
    expect(claimsProblem(claims({ iat: exp - 120, exp }), audience, now)).toBeDefined()
  })

  it('counts whole seconds of the clock', () => {
    const exp = nowSeconds - 29
    const later = new Date(now.getTime() + 999)
    expect(claimsProblem(claims({ iat: exp - 120, exp }), audience, later)).toBeUndefined()
  })
})

describe('signatureShapeProblem', () => {
  const bytes = (length: number, fill = 7) => new Uint8Array(length).fill(fill)

  it.each([63, 65, 70, 0])('refuses an ES256 signature of %i bytes', (length) => {
    expect(signatureShapeProblem('ES256', bytes(length))).toBeDefined()
  })

  it.each([63, 65])('refuses an EdDSA signature of %i bytes', (length) => {
    expect(signatureShapeProblem('EdDSA', bytes(length))).toBeDefined()
  })

  it('refuses an ES256 signature whose r is zero', () => {
    const signature = bytes(64)
    signature.fill(0, 0, 32)
    expect(signatureShapeProblem('ES256', signature)).toBeDefined()
  })

  it('refuses an ES256 signature whose s is zero', () => {
    const signature = bytes(64)
    signature.fill(0, 32)
    expect(signatureShapeProblem('ES256', signature)).toBeDefined()
  })

  it('refuses an ES256 signature of all zeros', () => {
    expect(signatureShapeProblem('ES256', bytes(64, 0))).toBeDefined()
  })

  it('accepts a 64-byte ES256 signature with non-zero r and s', () => {
    const signature = new Uint8Array(64)
    signature[31] = 1
    signature[63] = 1
    expect(signatureShapeProblem('ES256', signature)).toBeUndefined()
  })

  it('accepts a 64-byte EdDSA signature', () => {
    expect(signatureShapeProblem('EdDSA', bytes(64))).toBeUndefined()
  })
})

describe('RequestTokenHeader', () => {
  const header = { alg: 'ES256', kid: 'key-1', typ: 'exchange-req+jwt' }

  it('accepts ES256 and EdDSA with a kid and the request typ', () => {
    expect(RequestTokenHeader.safeParse(header).success).toBe(true)
    expect(RequestTokenHeader.safeParse({ ...header, alg: 'EdDSA' }).success).toBe(true)
  })

  it.each([
    ['jku', 'https://attacker.example/jwks.json'],
    ['x5u', 'https://attacker.example/cert.pem'],
    ['jwk', { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) }],
    ['x5c', ['MIIB']],
    ['crit', ['exp']],
  ])('refuses a header naming %s', (member, value) => {
    expect(RequestTokenHeader.safeParse({ ...header, [member]: value }).success).toBe(false)
  })

  it.each(['none', 'HS256', 'RS256', 'ES384', 'ES256K', 'Ed25519', 'es256'])('refuses alg %s', (alg) => {
    expect(RequestTokenHeader.safeParse({ ...header, alg }).success).toBe(false)
  })

  it.each(['JWT', 'exchange-receipt+jwt', 'exchange-manifest+jwt', 'EXCHANGE-REQ+JWT'])(
    'refuses typ %s',
    (typ) => {
      expect(RequestTokenHeader.safeParse({ ...header, typ }).success).toBe(false)
    },
  )

  it('refuses a header without a kid or with an empty one', () => {
    const { kid: _kid, ...withoutKid } = header
    expect(RequestTokenHeader.safeParse(withoutKid).success).toBe(false)
    expect(RequestTokenHeader.safeParse({ ...header, kid: '' }).success).toBe(false)
  })
})
