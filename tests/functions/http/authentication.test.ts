import { createHmac, createPrivateKey, randomUUID, sign } from 'node:crypto'
import { CompactSign, importJWK, type JWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { publicJwkOf } from '#local/keys.js'
import {
  type Answer,
  admin,
  type Caller,
  call,
  exchange,
  expectProblem,
  mintToken,
  registerParticipant,
} from '../../support/exchange-client.js'

const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')

const now = () => Math.floor(Date.now() / 1000)

/** The claims a well-behaved client sends, for tokens assembled by hand. */
const goodClaims = (caller: Caller): Record<string, unknown> => ({
  iss: caller.id,
  sub: 'test-suite',
  aud: exchange.exchangeId,
  iat: now(),
  exp: now() + 120,
  jti: randomUUID(),
})

/** Signs exactly this header and these claims with the caller's real key, whatever they say. */
const signAsIs = async (caller: Caller, header: Record<string, unknown>, claims: Record<string, unknown>) =>
  new CompactSign(Buffer.from(JSON.stringify(claims), 'utf8'))
    .setProtectedHeader({ alg: caller.jwk.alg ?? 'ES256', ...header })
    .sign(await importJWK(caller.jwk, caller.jwk.alg ?? 'ES256'))

/** Signs with node's own Ed25519 signer, so the header's alg can disagree with the key. */
const signEd25519AsIs = (caller: Caller, header: Record<string, unknown>) => {
  const signingInput = `${encode(header)}.${encode(goodClaims(caller))}`
  const key = createPrivateKey({ key: caller.jwk, format: 'jwk' })
  return `${signingInput}.${sign(null, Buffer.from(signingInput), key).toString('base64url')}`
}

const segmentsOf = (token: string) => {
  const [header = '', payload = '', signature = ''] = token.split('.')
  return { header, payload, signature }
}

/** Re-encodes a raw ECDSA `r || s` signature as ASN.1 DER, the form JOSE forbids. */
const derOf = (raw: Buffer) => {
  const integer = (bytes: Buffer) => {
    let start = 0
    while (start < bytes.length - 1 && bytes[start] === 0) start++
    const trimmed = bytes.subarray(start)
    const body = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed
    return Buffer.concat([Buffer.from([0x02, body.length]), body])
  }
  const sequence = Buffer.concat([integer(raw.subarray(0, 32)), integer(raw.subarray(32))])
  return Buffer.concat([Buffer.from([0x30, sequence.length]), sequence])
}

const readWith = (caller: Caller, token: string): Promise<Answer> =>
  call('GET', `/v1/participants/${caller.id}`, { token })

const expectUnauthenticated = (answer: Answer) => expectProblem(answer, 401, 'unauthenticated')

describe('authentication', () => {
  let alice: Caller
  let bob: Caller

  beforeAll(async () => {
    ;[alice, bob] = await Promise.all([registerParticipant(['accepting']), registerParticipant(['home'])])
  })

  describe('accepts', () => {
    it('an authenticated read of a participant', async () => {
      const answer = await call('GET', `/v1/participants/${bob.id}`, { as: alice })
      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({ id: bob.id, status: 'active' })
    })

    it('an EdDSA (Ed25519) participant', async () => {
      const edwards = await registerParticipant(['accepting'], 'EdDSA')
      const answer = await call('GET', `/v1/participants/${edwards.id}`, { as: edwards })
      expect(answer.status).toBe(200)
      expect(answer.body.jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
    })

    it('a token assembled by hand with exactly the required header', async () => {
      const header = { kid: alice.jwk.kid, typ: 'exchange-req+jwt' }
      expect((await readWith(alice, await signAsIs(alice, header, goodClaims(alice)))).status).toBe(200)
    })

    it('an Ed25519 signature made outside jose', async () => {
      const edwards = await registerParticipant(['accepting'], 'EdDSA')
      const token = signEd25519AsIs(edwards, { alg: 'EdDSA', kid: edwards.jwk.kid, typ: 'exchange-req+jwt' })
      expect((await readWith(edwards, token)).status).toBe(200)
    })

    it('a token living exactly 300 seconds', async () => {
      const iat = now()
      expect(
        (await readWith(alice, await mintToken(alice, { claims: { iat, exp: iat + 300 } }))).status,
      ).toBe(200)
    })

    it('a token issued slightly ahead of the exchange clock, within the skew', async () => {
      const iat = now() + 10
      expect(
        (await readWith(alice, await mintToken(alice, { claims: { iat, exp: iat + 120 } }))).status,
      ).toBe(200)
    })

    it('the same jti from two different issuers', async () => {
      const jti = randomUUID()
      expect((await readWith(alice, await mintToken(alice, { claims: { jti } }))).status).toBe(200)
      expect((await readWith(bob, await mintToken(bob, { claims: { jti } }))).status).toBe(200)
    })

    it('the scheme name in any case, as HTTP defines it', async () => {
      const answer = await call('GET', `/v1/participants/${alice.id}`, {
        headers: { authorization: `bearer ${await mintToken(alice)}` },
      })
      expect(answer.status).toBe(200)
    })

    it('a token just under 8 KiB', async () => {
      const claims = (length: number) => ({ claims: { padding: 'x'.repeat(length) } })
      const probe = await mintToken(alice, claims(5000))
      const token = await mintToken(alice, claims(5000 + Math.floor(((8100 - probe.length) * 3) / 4)))
      expect(token.length).toBeGreaterThan(8000)
      expect(token.length).toBeLessThanOrEqual(8 * 1024)
      expect((await readWith(alice, token)).status).toBe(200)
    })
  })

  describe('refuses with 401 unauthenticated', () => {
    it.each(['none', 'NONE', 'nOnE'])('an unsigned token with alg %s', async (alg) => {
      const header = { alg, kid: alice.jwk.kid, typ: 'exchange-req+jwt' }
      expectUnauthenticated(await readWith(alice, `${encode(header)}.${encode(goodClaims(alice))}.`))
    })

    it.each([
      ['the public JWK as JSON', (jwk: JWK) => Buffer.from(JSON.stringify(publicJwkOf(jwk)), 'utf8')],
      ['the x coordinate', (jwk: JWK) => Buffer.from(jwk.x ?? '', 'base64url')],
    ])('an HS256 token keyed with %s of the issuer', async (_name, secretOf) => {
      const signingInput = `${encode({ alg: 'HS256', kid: alice.jwk.kid, typ: 'exchange-req+jwt' })}.${encode(goodClaims(alice))}`
      const mac = createHmac('sha256', secretOf(alice.jwk)).update(signingInput).digest('base64url')
      expectUnauthenticated(await readWith(alice, `${signingInput}.${mac}`))
    })

    it("a token naming one issuer but signed with another participant's key and kid", async () => {
      expectUnauthenticated(await readWith(alice, await mintToken(bob, { claims: { iss: alice.id } })))
    })

    it("a token naming the issuer's kid but signed with another participant's key", async () => {
      const token = await mintToken(bob, { claims: { iss: alice.id }, header: { kid: alice.jwk.kid } })
      expectUnauthenticated(await readWith(alice, token))
    })

    it('an unknown issuer', async () => {
      const stranger = { id: `${alice.id}-stranger`, jwk: alice.jwk }
      expectUnauthenticated(await readWith(alice, await mintToken(stranger)))
    })

    it('an unknown kid', async () => {
      expectUnauthenticated(await readWith(alice, await mintToken(alice, { header: { kid: 'no-such-kid' } })))
    })

    it('an alg that does not match the registered key', async () => {
      const edwards = await registerParticipant(['accepting'], 'EdDSA')
      const token = signEd25519AsIs(edwards, { alg: 'ES256', kid: edwards.jwk.kid, typ: 'exchange-req+jwt' })
      expectUnauthenticated(await readWith(edwards, token))
    })

    it.each([
      ['jku', () => 'https://attacker.example/jwks.json'],
      ['x5u', () => 'https://attacker.example/cert.pem'],
      ['jwk', (jwk: JWK) => publicJwkOf(jwk)],
    ])('a %s header, even one pointing at the right key', async (name, value) => {
      const header = { kid: alice.jwk.kid, typ: 'exchange-req+jwt', [name]: value(alice.jwk) }
      expectUnauthenticated(await readWith(alice, await signAsIs(alice, header, goodClaims(alice))))
    })

    it('a token of typ JWT', async () => {
      expectUnauthenticated(await readWith(alice, await mintToken(alice, { header: { typ: 'JWT' } })))
    })

    it('a token without typ', async () => {
      const token = await signAsIs(alice, { kid: alice.jwk.kid }, goodClaims(alice))
      expect(JSON.parse(Buffer.from(segmentsOf(token).header, 'base64url').toString())).not.toHaveProperty(
        'typ',
      )
      expectUnauthenticated(await readWith(alice, token))
    })

    it('a token for another audience', async () => {
      expectUnauthenticated(
        await readWith(alice, await mintToken(alice, { claims: { aud: 'exchange-other' } })),
      )
    })

    it('an audience given as an array, even one holding the exchange id', async () => {
      const token = await mintToken(alice, { claims: { aud: [exchange.exchangeId] } })
      expectUnauthenticated(await readWith(alice, token))
    })

    it.each(['exp', 'iat', 'jti', 'iss', 'sub'])('a token without %s', async (claim) => {
      expectUnauthenticated(await readWith(alice, await mintToken(alice, { omit: [claim] })))
    })

    it.each(['jti', 'sub'])('a %s longer than 128 characters', async (claim) => {
      const token = await mintToken(alice, { claims: { [claim]: 'j'.repeat(129) } })
      expectUnauthenticated(await readWith(alice, token))
    })

    it('an expired token', async () => {
      const token = await mintToken(alice, { claims: { iat: now() - 3600, exp: now() - 3500 } })
      expectUnauthenticated(await readWith(alice, token))
    })

    it('a token whose nbf is in the future', async () => {
      const token = await mintToken(alice, { claims: { nbf: now() + 120, exp: now() + 240 } })
      expectUnauthenticated(await readWith(alice, token))
    })

    it('a token issued beyond the clock skew in the future', async () => {
      const token = await mintToken(alice, { claims: { iat: now() + 120, exp: now() + 240 } })
      expectUnauthenticated(await readWith(alice, token))
    })

    it.each([301, 3600])('a token living %i seconds', async (lifetime) => {
      const iat = now()
      const token = await mintToken(alice, { claims: { iat, exp: iat + lifetime } })
      expectUnauthenticated(await readWith(alice, token))
    })

    it('a replayed jti', async () => {
      const token = await mintToken(alice)
      expect((await readWith(alice, token)).status).toBe(200)
      expectUnauthenticated(await readWith(alice, token))
    })

    it('a jti reused by the same issuer in a new token', async () => {
      const jti = randomUUID()
      expect((await readWith(alice, await mintToken(alice, { claims: { jti } }))).status).toBe(200)
      expectUnauthenticated(await readWith(alice, await mintToken(alice, { claims: { jti, sub: 'other' } })))
    })

    it('an ES256 signature of 64 zero bytes', async () => {
      const { header, payload } = segmentsOf(await mintToken(alice))
      const zeros = Buffer.alloc(64).toString('base64url')
      expectUnauthenticated(await readWith(alice, `${header}.${payload}.${zeros}`))
    })

    it('a DER-encoded ECDSA signature', async () => {
      const { header, payload, signature } = segmentsOf(await mintToken(alice))
      const der = derOf(Buffer.from(signature, 'base64url'))
      expect(der[0]).toBe(0x30)
      expectUnauthenticated(await readWith(alice, `${header}.${payload}.${der.toString('base64url')}`))
    })

    it('a tampered payload', async () => {
      const { header, signature } = segmentsOf(await mintToken(alice))
      const forged = encode({ ...goodClaims(alice), iss: alice.id, sub: 'forged' })
      expectUnauthenticated(await readWith(alice, `${header}.${forged}.${signature}`))
    })

    it('a validly signed token over 8 KiB', async () => {
      const token = await mintToken(alice, { claims: { padding: 'x'.repeat(7000) } })
      expect(token.length).toBeGreaterThan(8 * 1024)
      expectUnauthenticated(await readWith(alice, token))
    })

    it('a request without an Authorization header', async () => {
      expectUnauthenticated(await call('GET', `/v1/participants/${alice.id}`))
    })

    it('the Basic scheme', async () => {
      const basic = `Basic ${Buffer.from(`${alice.id}:secret`).toString('base64')}`
      expectUnauthenticated(
        await call('GET', `/v1/participants/${alice.id}`, { headers: { authorization: basic } }),
      )
    })

    it('a bearer token that is not a compact JWS', async () => {
      expectUnauthenticated(await readWith(alice, 'not-a-token'))
    })
  })

  it('lets exactly one of ten concurrent uses of a token through', async () => {
    const token = await mintToken(alice)
    const answers = await Promise.all(Array.from({ length: 10 }, () => readWith(alice, token)))
    const statuses = answers.map((answer) => answer.status).sort()
    expect(statuses).toEqual([200, ...Array<number>(9).fill(401)])
    for (const answer of answers.filter((a) => a.status !== 200)) expectUnauthenticated(answer)
  })

  it('refuses a suspended participant with 403 suspended and lets it back in once reinstated', async () => {
    const carol = await registerParticipant(['accepting'])
    expect((await call('POST', `/v1/participants/${carol.id}/suspend`, { as: admin })).status).toBe(200)
    expectProblem(await call('GET', `/v1/participants/${carol.id}`, { as: carol }), 403, 'suspended')
    expect((await call('POST', `/v1/participants/${carol.id}/reinstate`, { as: admin })).status).toBe(200)
    expect((await call('GET', `/v1/participants/${carol.id}`, { as: carol })).status).toBe(200)
  })
})
