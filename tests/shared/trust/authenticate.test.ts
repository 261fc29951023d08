import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { joseSignatureVerifier } from '#functions/adapters/jose-signature-verifier.js'
import type { PublicJwk } from '#shared/registry/jwks.js'
import type { Participant } from '#shared/registry/participant.js'
import { type AuthenticateDeps, authenticate, type SignatureVerifier } from '#shared/trust/authenticate.js'
import { fixedClock, InMemoryReplayGuard, InMemoryStores } from '../../support/in-memory-stores.js'
import { newSigningKey, type SigningKey, signRequestToken } from '../../support/signing-keys.js'

const now = '2026-11-21T01:30:00.000Z'

/** A registered participant holding `keys`. */
const participant = (id: string, keys: SigningKey[], overrides: Partial<Participant> = {}): Participant => ({
  id,
  name: `District ${id}`,
  kind: 'district',
  roles: ['accepting', 'home'],
  jwks: { keys: keys.map((key) => key.publicJwk) as [PublicJwk, ...PublicJwk[]] },
  status: 'active',
  version: 1,
  createdAt: now,
  updatedAt: now,
  ...overrides,
})

/** The real jose verifier, recording what it was asked to check. */
class RecordingVerifier implements SignatureVerifier {
  readonly calls: { kid: string; keyCacheKey: string }[] = []
  private readonly jose = joseSignatureVerifier()
  verify(token: string, key: PublicJwk, keyCacheKey: string) {
    this.calls.push({ kid: key.kid, keyCacheKey })
    return this.jose.verify(token, key, keyCacheKey)
  }
}

let gaoxinKey: SigningKey
let beilinKey: SigningKey
let lianhuKey: SigningKey
let adminKey: SigningKey
let strangerKey: SigningKey

beforeAll(async () => {
  ;[gaoxinKey, beilinKey, lianhuKey, adminKey, strangerKey] = await Promise.all([
    newSigningKey('ES256'),
    newSigningKey('EdDSA'),
    newSigningKey('ES256'),
    newSigningKey('ES256'),
    newSigningKey('EdDSA'),
  ])
})

let stores: InMemoryStores
let verifier: RecordingVerifier
let replay: InMemoryReplayGuard
let clock: ReturnType<typeof fixedClock>
let deps: AuthenticateDeps

beforeEach(() => {
  stores = new InMemoryStores()
  stores.seed('participant', 'xian-gaoxin', participant('xian-gaoxin', [gaoxinKey], { version: 3 }))
  stores.seed('participant', 'xian-beilin', participant('xian-beilin', [beilinKey], { roles: ['auditor'] }))
  stores.seed('participant', 'xian-lianhu', participant('xian-lianhu', [lianhuKey], { status: 'suspended' }))
  verifier = new RecordingVerifier()
  replay = new InMemoryReplayGuard()
  clock = fixedClock(now)
  deps = {
    records: stores,
    adminJwks: { keys: [adminKey.publicJwk] },
    verifier,
    replay,
    exchangeId: 'exchange-test',
    clock,
  }
})

const bearer = (token: string) => `Bearer ${token}`
const tokenOf = (key: SigningKey, issuer: string, options: Parameters<typeof signRequestToken>[3] = {}) =>
  signRequestToken(key, issuer, clock(), options)

/** Replaces a token's signature with `signature`, keeping its header and claims. */
const withSignature = (token: string, signature: Uint8Array) =>
  `${token.split('.').slice(0, 2).join('.')}.${Buffer.from(signature).toString('base64url')}`

const refusedAs = (code: string) => ({ name: 'DomainError', code })

describe('authenticate', () => {
  it('yields the participant, the calling system and the roles of a valid ES256 token', async () => {
    const token = await tokenOf(gaoxinKey, 'xian-gaoxin', { claims: { sub: 'window-7' } })
    await expect(authenticate(deps, bearer(token))).resolves.toEqual({
      participant: 'xian-gaoxin',
      sub: 'window-7',
      roles: ['accepting', 'home'],
    })
  })

  it('accepts a valid EdDSA token', async () => {
    const token = await tokenOf(beilinKey, 'xian-beilin')
    await expect(authenticate(deps, bearer(token))).resolves.toMatchObject({
      participant: 'xian-beilin',
      roles: ['auditor'],
    })
  })

  it('spends the jti until exp plus the clock skew', async () => {
    const token = await tokenOf(gaoxinKey, 'xian-gaoxin', { claims: { jti: 'jti-a' } })
    await authenticate(deps, bearer(token))
    const exp = Math.floor(clock().getTime() / 1000) + 120
    expect(replay.claims).toEqual([
      { issuer: 'xian-gaoxin', jti: 'jti-a', expiresAt: new Date((exp + 30) * 1000) },
    ])
  })

  it('refuses a replayed jti', async () => {
    const token = await tokenOf(gaoxinKey, 'xian-gaoxin')
    await authenticate(deps, bearer(token))
    await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('unauthenticated'))
  })

  it('keeps jtis apart per issuer', async () => {
    const first = await tokenOf(gaoxinKey, 'xian-gaoxin', { claims: { jti: 'shared' } })
    const second = await tokenOf(beilinKey, 'xian-beilin', { claims: { jti: 'shared' } })
    await authenticate(deps, bearer(first))
    await expect(authenticate(deps, bearer(second))).resolves.toMatchObject({ participant: 'xian-beilin' })
  })

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Basic eDp5'],
    ['a bearer without a token', 'Bearer '],
    ['two tokens', 'Bearer a.b.c d.e.f'],
    ['two segments', 'Bearer abc.def'],
    ['four segments', 'Bearer a.b.c.d'],
    ['characters outside base64url', 'Bearer a+b.c.d'],
    ['segments that are not JSON', 'Bearer YWJj.YWJj.YWJj'],
  ])('refuses %s', async (_, authorization) => {
    await expect(authenticate(deps, authorization)).rejects.toMatchObject(refusedAs('unauthenticated'))
    expect(verifier.calls).toEqual([])
    expect(replay.claims).toEqual([])
  })

  it('accepts a token of exactly 8 KiB and refuses one a byte longer', async () => {
    const keys = await Promise.all(['s', 'si', 'siz', 'size'].map((kid) => newSigningKey('ES256', kid)))
    stores.seed('participant', 'xian-sized', participant('xian-sized', keys))
    /** Pads the claims until the token is exactly `length` long, trying kids of several lengths. */
    const tokenOfLength = async (length: number) => {
      for (const key of keys) {
        const bare = await tokenOf(key, 'xian-sized', { claims: { padding: '' } })
        const padding = Math.floor(((length - bare.length) * 3) / 4) - 2
        for (let extra = 0; extra < 6; extra++) {
          const token = await tokenOf(key, 'xian-sized', { claims: { padding: 'x'.repeat(padding + extra) } })
          if (token.length === length) return token
        }
      }
      throw new Error(`no token of ${length} characters`)
    }
    await expect(authenticate(deps, bearer(await tokenOfLength(8192)))).resolves.toMatchObject({
      participant: 'xian-sized',
    })
    const over = await tokenOfLength(8193)
    await expect(authenticate(deps, bearer(over))).rejects.toMatchObject(refusedAs('unauthenticated'))
    expect(verifier.calls).toHaveLength(1)
  })

  it('refuses a token over 8 KiB before parsing it', async () => {
    const token = await tokenOf(gaoxinKey, 'xian-gaoxin', { claims: { padding: 'x'.repeat(8 * 1024) } })
    await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('unauthenticated'))
    expect(verifier.calls).toEqual([])
  })

  describe('refuses without spending the jti', () => {
    it.each([
      ['a jku header', { header: { jku: 'https://attacker.example/jwks.json' } }],
      ['a jwk header', { header: { jwk: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) } } }],
      ['another typ', { header: { typ: 'JWT' } }],
      ['another audience', { claims: { aud: 'exchange-other' } }],
      ['an audience list', { claims: { aud: ['exchange-test'] } }],
      ['a missing jti', { claims: { jti: undefined } }],
      ['an expired token', { claims: { iat: 1_700_000_000, exp: 1_700_000_100 } }],
      ['a token living too long', { claims: { exp: Math.floor(Date.parse(now) / 1000) + 301 } }],
      ['a token issued in the future', { claims: { iat: Math.floor(Date.parse(now) / 1000) + 60 } }],
    ])('%s', async (_, options) => {
      const token = await tokenOf(gaoxinKey, 'xian-gaoxin', options)
      await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('unauthenticated'))
      expect(verifier.calls).toEqual([])
      expect(replay.claims).toEqual([])
    })

    it('a bad signature', async () => {
      const forged = await newSigningKey('ES256', gaoxinKey.publicJwk.kid)
      const token = await tokenOf(forged, 'xian-gaoxin')
      await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('unauthenticated'))
      expect(verifier.calls).toHaveLength(1)
      expect(replay.claims).toEqual([])
    })

    it('an ES256 signature whose r and s are zero, before any verification', async () => {
      const token = withSignature(await tokenOf(gaoxinKey, 'xian-gaoxin'), new Uint8Array(64))
      await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('unauthenticated'))
      expect(verifier.calls).toEqual([])
      expect(replay.claims).toEqual([])
    })

    it('a DER-length signature, before any verification', async () => {
      const token = withSignature(await tokenOf(gaoxinKey, 'xian-gaoxin'), new Uint8Array(70).fill(1))
      await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('unauthenticated'))
      expect(verifier.calls).toEqual([])
    })

    it('an unknown issuer', async () => {
      const token = await tokenOf(strangerKey, 'xian-unknown')
      await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('unauthenticated'))
      expect(verifier.calls).toEqual([])
      expect(replay.claims).toEqual([])
    })

    it('an unknown kid', async () => {
      const token = await tokenOf(gaoxinKey, 'xian-gaoxin', { header: { kid: 'not-registered' } })
      await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('unauthenticated'))
      expect(verifier.calls).toEqual([])
    })

    it('a key registered to another participant', async () => {
      const token = await tokenOf(beilinKey, 'xian-gaoxin')
      await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('unauthenticated'))
      expect(verifier.calls).toEqual([])
      expect(replay.claims).toEqual([])
    })

    it('an EdDSA header naming an EC key', async () => {
      const token = await tokenOf(strangerKey, 'xian-gaoxin', { header: { kid: gaoxinKey.publicJwk.kid } })
      await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('unauthenticated'))
      expect(verifier.calls).toEqual([])
      expect(replay.claims).toEqual([])
    })

    it('an ES256 header naming an Ed25519 key', async () => {
      const es256 = await newSigningKey('ES256', beilinKey.publicJwk.kid)
      const token = await tokenOf(es256, 'xian-beilin')
      await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('unauthenticated'))
      expect(verifier.calls).toEqual([])
    })
  })

  it('answers suspended to a suspended participant with a valid token, without spending the jti', async () => {
    const token = await tokenOf(lianhuKey, 'xian-lianhu')
    await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('suspended'))
    expect(replay.claims).toEqual([])
  })

  it('answers unauthenticated, not suspended, to a bad signature for a suspended participant', async () => {
    const forged = await newSigningKey('ES256', lianhuKey.publicJwk.kid)
    const token = await tokenOf(forged, 'xian-lianhu')
    await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('unauthenticated'))
  })

  it('resolves the admin from adminJwks with the admin role', async () => {
    const token = await tokenOf(adminKey, 'admin', { claims: { sub: 'console' } })
    await expect(authenticate(deps, bearer(token))).resolves.toEqual({
      participant: 'admin',
      sub: 'console',
      roles: ['admin'],
    })
  })

  it('ignores an admin record in the registry', async () => {
    stores.seed('participant', 'admin', participant('admin', [strangerKey], { roles: ['admin'] }))
    const token = await tokenOf(strangerKey, 'admin')
    await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('unauthenticated'))
  })

  it('names the participant version in the key cache key', async () => {
    const token = await tokenOf(gaoxinKey, 'xian-gaoxin')
    await authenticate(deps, bearer(token))
    expect(verifier.calls).toEqual([
      { kid: gaoxinKey.publicJwk.kid, keyCacheKey: `xian-gaoxin#3#${gaoxinKey.publicJwk.kid}` },
    ])
  })

  it('stops accepting a rotated key that kept its kid, with the same warm verifier', async () => {
    await authenticate(deps, bearer(await tokenOf(gaoxinKey, 'xian-gaoxin')))
    const rotated = await newSigningKey('ES256', gaoxinKey.publicJwk.kid)
    stores.seed('participant', 'xian-gaoxin', participant('xian-gaoxin', [rotated], { version: 4 }))

    const old = await tokenOf(gaoxinKey, 'xian-gaoxin')
    await expect(authenticate(deps, bearer(old))).rejects.toMatchObject(refusedAs('unauthenticated'))
    await expect(authenticate(deps, bearer(await tokenOf(rotated, 'xian-gaoxin')))).resolves.toMatchObject({
      participant: 'xian-gaoxin',
    })
    expect(verifier.calls.map((call) => call.keyCacheKey)).toEqual([
      `xian-gaoxin#3#${gaoxinKey.publicJwk.kid}`,
      `xian-gaoxin#4#${gaoxinKey.publicJwk.kid}`,
      `xian-gaoxin#4#${gaoxinKey.publicJwk.kid}`,
    ])
  })

  it('refuses a participant suspended after its last request', async () => {
    await authenticate(deps, bearer(await tokenOf(gaoxinKey, 'xian-gaoxin')))
    stores.seed(
      'participant',
      'xian-gaoxin',
      participant('xian-gaoxin', [gaoxinKey], { status: 'suspended', version: 4 }),
    )
    const token = await tokenOf(gaoxinKey, 'xian-gaoxin')
    await expect(authenticate(deps, bearer(token))).rejects.toMatchObject(refusedAs('suspended'))
  })
})
