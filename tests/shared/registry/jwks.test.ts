import { describe, expect, it } from 'vitest'
import { DomainError } from '#shared/errors.js'
import { algorithmOf, KeyId, PublicJwk, PublicJwks, parsePublicJwks } from '#shared/registry/jwks.js'

const b64 = (fill: string) => fill.repeat(43)

const ec = { kty: 'EC', crv: 'P-256', x: b64('A'), y: b64('B'), kid: 'ec-1' }
const okp = { kty: 'OKP', crv: 'Ed25519', x: b64('C'), kid: 'okp-1' }

const paths = (value: unknown) => {
  const parsed = PublicJwks.safeParse(value)
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('/'))
}

describe('PublicJwk', () => {
  it('accepts an EC P-256 public key', () => {
    expect(PublicJwk.parse(ec)).toEqual(ec)
  })

  it('accepts an OKP Ed25519 public key', () => {
    expect(PublicJwk.parse(okp)).toEqual(okp)
  })

  it('accepts the signing use, the verify operation and the matching alg', () => {
    expect(PublicJwk.safeParse({ ...ec, alg: 'ES256', use: 'sig', key_ops: ['verify'] }).success).toBe(true)
    expect(PublicJwk.safeParse({ ...okp, alg: 'EdDSA' }).success).toBe(true)
    expect(PublicJwk.safeParse({ ...okp, alg: 'Ed25519' }).success).toBe(true)
  })

  it.each(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])('refuses an EC key carrying %s', (member) => {
    const parsed = PublicJwk.safeParse({ ...ec, [member]: b64('D') })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([[member]])
  })

  it.each(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])('refuses an OKP key carrying %s', (member) => {
    expect(PublicJwk.safeParse({ ...okp, [member]: b64('D') }).success).toBe(false)
  })

  it.each([
    ['a symmetric oct key', { kty: 'oct', k: b64('K'), kid: 'oct-1' }],
    ['an RSA key', { kty: 'RSA', n: b64('N'), e: 'AQAB', kid: 'rsa-1' }],
    ['a P-384 key', { ...ec, crv: 'P-384', x: 'A'.repeat(64), y: 'B'.repeat(64) }],
    ['a P-384 curve with 32-byte coordinates', { ...ec, crv: 'P-384' }],
    ['a secp256k1 key', { ...ec, crv: 'secp256k1' }],
    ['an X25519 key', { ...okp, crv: 'X25519' }],
    ['an Ed448 key', { ...okp, crv: 'Ed448', x: 'C'.repeat(76) }],
    ['an EC key without kid', { kty: 'EC', crv: 'P-256', x: b64('A'), y: b64('B') }],
    ['an OKP key without kid', { kty: 'OKP', crv: 'Ed25519', x: b64('C') }],
    ['an empty kid', { ...ec, kid: '' }],
    ['a kid of 129 characters', { ...ec, kid: 'k'.repeat(129) }],
    ['a kid with a space', { ...ec, kid: 'key 1' }],
    ['an x of 42 characters', { ...ec, x: 'A'.repeat(42) }],
    ['an x of 44 characters', { ...ec, x: 'A'.repeat(44) }],
    ['a y of 42 characters', { ...ec, y: 'B'.repeat(42) }],
    ['an x with padding', { ...okp, x: `${'C'.repeat(42)}=` }],
    ['an x in standard base64', { ...okp, x: `${'C'.repeat(42)}+` }],
    ['an EC key without y', { kty: 'EC', crv: 'P-256', x: b64('A'), kid: 'ec-1' }],
    ['an EC key with alg EdDSA', { ...ec, alg: 'EdDSA' }],
    ['an OKP key with alg ES256', { ...okp, alg: 'ES256' }],
    ['an encryption use', { ...ec, use: 'enc' }],
    ['a sign operation', { ...ec, key_ops: ['sign'] }],
    ['an unknown member', { ...ec, x5c: ['MIIB'] }],
  ])('refuses %s', (_, jwk) => {
    expect(PublicJwk.safeParse(jwk).success).toBe(false)
  })
})

describe('KeyId', () => {
  it('accepts 1 to 128 printable ASCII characters', () => {
    expect(KeyId.safeParse('k').success).toBe(true)
    expect(KeyId.safeParse('~'.repeat(128)).success).toBe(true)
  })

  it('refuses control and non-ASCII characters', () => {
    expect(KeyId.safeParse('key\n').success).toBe(false)
    expect(KeyId.safeParse('clé').success).toBe(false)
  })
})

describe('PublicJwks', () => {
  it('accepts a mix of EC and OKP keys', () => {
    expect(paths({ keys: [ec, okp] })).toEqual([])
  })

  it('refuses an empty set', () => {
    expect(paths({ keys: [] })).toEqual(['keys'])
  })

  it('accepts 10 keys and refuses 11', () => {
    const keys = (count: number) => Array.from({ length: count }, (_, i) => ({ ...okp, kid: `k-${i}` }))
    expect(paths({ keys: keys(10) })).toEqual([])
    expect(paths({ keys: keys(11) })).toEqual(['keys'])
  })

  it('refuses a duplicate kid, pointing at the duplicate', () => {
    expect(paths({ keys: [ec, okp, { ...okp, x: b64('E'), kid: 'ec-1' }] })).toEqual(['keys/2/kid'])
  })

  it('points at every duplicate', () => {
    expect(paths({ keys: [ec, { ...ec, x: b64('E') }, { ...ec, x: b64('F') }] })).toEqual([
      'keys/1/kid',
      'keys/2/kid',
    ])
  })

  it('points at the private member of the offending key', () => {
    expect(paths({ keys: [ec, { ...okp, d: b64('D') }] })).toEqual(['keys/1/d'])
  })

  it('refuses members beside keys', () => {
    expect(paths({ keys: [ec], extra: true })).toEqual([''])
  })
})

describe('algorithmOf', () => {
  it('answers ES256 for an EC key and EdDSA for an OKP key', () => {
    expect(algorithmOf(PublicJwk.parse(ec))).toBe('ES256')
    expect(algorithmOf(PublicJwk.parse(okp))).toBe('EdDSA')
  })
})

describe('parsePublicJwks', () => {
  it('answers a valid set', () => {
    expect(parsePublicJwks({ keys: [ec] }, 'EXCHANGE_ADMIN_JWKS')).toEqual({ keys: [ec] })
  })

  it('throws validation-failed naming the source and every problem', () => {
    const value = { keys: [{ ...ec, d: b64('D') }, { ...okp, kid: 'ec-1' }, { kty: 'oct' }] }
    let thrown: unknown
    try {
      parsePublicJwks(value, 'EXCHANGE_ADMIN_JWKS')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(DomainError)
    const error = thrown as DomainError
    expect(error.code).toBe('validation-failed')
    expect(error.message).toContain('EXCHANGE_ADMIN_JWKS')
    expect(error.message).toContain('keys.0.d')
    expect(error.message).toContain('keys.2.kty')
  })

  it('throws on something that is not a JWKS at all', () => {
    expect(() => parsePublicJwks('not json', 'EXCHANGE_ADMIN_JWKS')).toThrow(DomainError)
  })
})
