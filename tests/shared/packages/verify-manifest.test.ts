import { beforeAll, describe, expect, it } from 'vitest'
import { joseSignatureVerifier } from '#functions/adapters/jose-signature-verifier.js'
import { manifestSha256, maxManifestBytes } from '#shared/packages/manifest.js'
import { verifyManifest } from '#shared/packages/verify-manifest.js'
import type { PublicJwk } from '#shared/registry/jwks.js'
import type { SignatureVerifier } from '#shared/trust/authenticate.js'
import {
  entryOf,
  participantWith,
  sha256Hex,
  signManifest,
  testDocument,
} from '../../support/document-fakes.js'
import { fixedClock } from '../../support/in-memory-stores.js'
import { refusalOf } from '../../support/registry-fixtures.js'
import { newSigningKey, type SigningKey } from '../../support/signing-keys.js'

const now = '2026-11-21T01:30:00.000Z'
const iat = Math.floor(Date.parse(now) / 1000) - 60

/** The real jose verifier, recording the key cache names it was handed. */
class RecordingVerifier implements SignatureVerifier {
  readonly keyCacheKeys: string[] = []
  private readonly jose = joseSignatureVerifier()
  verify(token: string, key: PublicJwk, keyCacheKey: string) {
    this.keyCacheKeys.push(keyCacheKey)
    return this.jose.verify(token, key, keyCacheKey)
  }
}

let gaoxinKey: SigningKey
let gaoxinEdKey: SigningKey
let beilinKey: SigningKey

beforeAll(async () => {
  ;[gaoxinKey, gaoxinEdKey, beilinKey] = await Promise.all([
    newSigningKey('ES256'),
    newSigningKey('EdDSA'),
    newSigningKey('ES256'),
  ])
})

const gaoxin = () => participantWith('xian-gaoxin', [gaoxinKey, gaoxinEdKey], { version: 4 })

const document = testDocument('身份证复印件-张伟.pdf')
const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: 'xian-gaoxin',
  iat,
  purpose: 'application',
  documents: [entryOf(document)],
  ...overrides,
})

const verify = (token: string, verifier: SignatureVerifier = joseSignatureVerifier()) =>
  verifyManifest({ verifier, clock: fixedClock(now) }, { token, submitter: gaoxin(), purpose: 'application' })

const mismatchAt = async (token: string) => {
  const refusal = await refusalOf(() => verify(token))
  expect(refusal.code).toBe('document-mismatch')
  return refusal.errors?.map((error) => error.path)
}

describe('verifyManifest', () => {
  it("accepts a manifest signed with the submitter's registered ES256 or EdDSA key", async () => {
    for (const key of [gaoxinKey, gaoxinEdKey]) {
      expect(await verify(await signManifest(key, claims()))).toEqual(claims())
    }
  })

  it("names the key to the verifier with the participant's registry version", async () => {
    const verifier = new RecordingVerifier()
    await verify(await signManifest(gaoxinKey, claims()), verifier)
    expect(verifier.keyCacheKeys).toEqual([`xian-gaoxin#4#${gaoxinKey.publicJwk.kid}`])
  })

  it('ignores claims it does not know', async () => {
    const token = await signManifest(gaoxinKey, claims({ jti: 'm-1', exp: iat + 600 }))
    expect(await verify(token)).toEqual(claims())
  })

  it('refuses a manifest signed by a key of another participant', async () => {
    expect(await mismatchAt(await signManifest(beilinKey, claims()))).toEqual(['/manifest'])
  })

  it("refuses another participant's signature under the submitter's kid", async () => {
    const token = await signManifest(beilinKey, claims(), { kid: gaoxinKey.publicJwk.kid })
    expect(await mismatchAt(token)).toEqual(['/manifest'])
  })

  it('refuses a manifest issued by another participant, even signed by the submitter', async () => {
    expect(await mismatchAt(await signManifest(gaoxinKey, claims({ iss: 'xian-beilin' })))).toEqual([
      '/manifest',
    ])
  })

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await signManifest(gaoxinKey, claims())).split('.')
    const forged = Buffer.from(JSON.stringify(claims({ purpose: 'application', iat: iat + 1 }))).toString(
      'base64url',
    )
    expect(await mismatchAt(`${header}.${forged}.${signature}`)).toEqual(['/manifest'])
  })

  it('refuses another typ, and a header carrying a key of its own', async () => {
    expect(await mismatchAt(await signManifest(gaoxinKey, claims(), { header: { typ: 'JWT' } }))).toEqual([
      '/manifest',
    ])
    const jwk = { ...beilinKey.publicJwk }
    expect(await mismatchAt(await signManifest(gaoxinKey, claims(), { header: { jwk } }))).toEqual([
      '/manifest',
    ])
  })

  it('refuses an algorithm the key is not for', async () => {
    const token = await signManifest(gaoxinEdKey, claims(), { kid: gaoxinKey.publicJwk.kid })
    expect(await mismatchAt(token)).toEqual(['/manifest'])
  })

  it('refuses a manifest for another purpose than the operation expects', async () => {
    expect(await mismatchAt(await signManifest(gaoxinKey, claims({ purpose: 'result' })))).toEqual([
      '/manifest',
    ])
  })

  it('refuses a manifest issued in the future', async () => {
    expect(await mismatchAt(await signManifest(gaoxinKey, claims({ iat: iat + 3600 })))).toEqual([
      '/manifest',
    ])
  })

  it('refuses what is not a compact JWS, or is too long to be a manifest', async () => {
    expect(await mismatchAt('not-a-jws')).toEqual(['/manifest'])
    expect(await mismatchAt(`${'a'.repeat(maxManifestBytes)}.b.c`)).toEqual(['/manifest'])
  })

  it('names every bad document field by its path in the manifest', async () => {
    const token = await signManifest(
      gaoxinKey,
      claims({
        documents: [
          { ...entryOf(document), sha256: sha256Hex('x').toUpperCase() },
          { ...entryOf(document), name: '../etc/passwd', size: 0 },
        ],
      }),
    )
    expect(await mismatchAt(token)).toEqual(
      expect.arrayContaining([
        '/manifest/documents/0/sha256',
        '/manifest/documents/1/name',
        '/manifest/documents/1/size',
        '/manifest/documents/1/documentId',
      ]),
    )
  })

  it('refuses an empty manifest and one with over fifty documents', async () => {
    expect(await mismatchAt(await signManifest(gaoxinKey, claims({ documents: [] })))).toEqual([
      '/manifest/documents',
    ])
    const many = Array.from({ length: 51 }, () => entryOf(testDocument()))
    expect(await mismatchAt(await signManifest(gaoxinKey, claims({ documents: many })))).toEqual([
      '/manifest/documents',
    ])
  })

  it('never repeats a file name or other value in its messages', async () => {
    const token = await signManifest(
      gaoxinKey,
      claims({ documents: [{ ...entryOf(document), contentType: '张伟 身份证' }] }),
    )
    const refusal = await refusalOf(() => verify(token))
    expect(JSON.stringify({ detail: refusal.message, errors: refusal.errors })).not.toMatch(/张伟|身份证/)
  })

  it('binds the manifest by the SHA-256 of its ASCII bytes', async () => {
    const token = await signManifest(gaoxinKey, claims())
    expect(manifestSha256(token)).toBe(sha256Hex(Buffer.from(token, 'ascii')))
  })
})
