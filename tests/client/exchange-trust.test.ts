import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { UntrustedAnswer } from '../../client/client-errors.js'
import { exchangeTrust } from '../../client/exchange-trust.js'

const signingKey = async (kid: string) => {
  const { publicKey, privateKey } = await generateKeyPair('ES256')
  const receipt = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'exchange-receipt+jwt' })
      .setIssuer('exchange-test')
      .setAudience('xianyang-qindu')
      .setIssuedAt()
      .sign(privateKey)
  return { jwk: { ...(await exportJWK(publicKey)), kid }, receipt }
}

describe('exchangeTrust', () => {
  it('verifies a token under a key it learns by fetching the keys again (a rotation)', async () => {
    const old = await signingKey('old')
    const rotated = await signingKey('new')
    const trust = exchangeTrust('exchange-test', async () => ({ keys: [old.jwk, rotated.jwk] }), {
      keys: [old.jwk],
    })
    const payload = await trust.verify(await rotated.receipt({ caseId: 'case-1' }), 'exchange-receipt+jwt', {
      caseId: 'case-1',
    })
    expect(payload.caseId).toBe('case-1')
  })

  it('distrusts a token no key it can fetch verifies, naming the reason bad-signature', async () => {
    const known = await signingKey('known')
    const stranger = await signingKey('stranger')
    const trust = exchangeTrust('exchange-test', async () => ({ keys: [known.jwk] }), { keys: [known.jwk] })
    const refusal = await trust
      .verify(await stranger.receipt({}), 'exchange-receipt+jwt', {})
      .catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(UntrustedAnswer)
    expect((refusal as UntrustedAnswer).reason).toBe('bad-signature')
  })

  it('passes on a failure to fetch the keys as it is: an outage is not a forgery', async () => {
    const known = await signingKey('known')
    const rotated = await signingKey('rotated')
    const outage = new TypeError('fetch failed')
    const trust = exchangeTrust(
      'exchange-test',
      async () => {
        throw outage
      },
      { keys: [known.jwk] },
    )
    await expect(trust.verify(await rotated.receipt({}), 'exchange-receipt+jwt', {})).rejects.toBe(outage)
  })

  it('distrusts a token that verifies but binds another value than the answer it came with', async () => {
    const known = await signingKey('known')
    const trust = exchangeTrust('exchange-test', async () => ({ keys: [known.jwk] }), { keys: [known.jwk] })
    const refusal = await trust
      .verify(await known.receipt({ caseId: 'case-1' }), 'exchange-receipt+jwt', { caseId: 'case-2' })
      .catch((error: unknown) => error)
    expect((refusal as UntrustedAnswer).reason).toBe('claims-mismatch')
  })
})
