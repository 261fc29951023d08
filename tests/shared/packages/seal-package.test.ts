import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { joseSignatureVerifier } from '#functions/adapters/jose-signature-verifier.js'
import { manifestSha256 } from '#shared/packages/manifest.js'
import { type SealDeps, type SealInput, sealPackage } from '#shared/packages/seal-package.js'
import { packageIdOf, SealedPackage } from '#shared/packages/sealed-package.js'
import {
  entryOf,
  InMemoryDocumentStore,
  InMemoryUploadRecords,
  participantWith,
  RecordingSigner,
  signManifest,
  type TestDocument,
  testDocument,
} from '../../support/document-fakes.js'
import { fixedClock } from '../../support/in-memory-stores.js'
import { refusalOf } from '../../support/registry-fixtures.js'
import { newSigningKey, type SigningKey } from '../../support/signing-keys.js'

const now = '2026-11-21T01:30:00.000Z'
const iat = Math.floor(Date.parse(now) / 1000) - 60

let gaoxinKey: SigningKey
let beilinKey: SigningKey

beforeAll(async () => {
  ;[gaoxinKey, beilinKey] = await Promise.all([newSigningKey('ES256'), newSigningKey('EdDSA')])
})

const gaoxin = () => participantWith('xian-gaoxin', [gaoxinKey])

let uploads: InMemoryUploadRecords
let store: InMemoryDocumentStore
let signer: RecordingSigner
let deps: SealDeps

beforeEach(() => {
  uploads = new InMemoryUploadRecords()
  store = new InMemoryDocumentStore()
  signer = new RecordingSigner()
  deps = {
    verifier: joseSignatureVerifier(),
    clock: fixedClock(now),
    uploads,
    documents: store,
    signer,
    exchangeId: 'exchange-test',
  }
})

/** Documents announced by `owner` and uploaded with exactly their declared bytes. */
const uploaded = (owner: string, ...documents: TestDocument[]) => {
  for (const document of documents) {
    uploads.announce(owner, document)
    store.stage(document.documentId, document.bytes)
  }
  return documents
}

const manifestOf = (documents: TestDocument[], overrides: Record<string, unknown> = {}, key = gaoxinKey) =>
  signManifest(key, {
    iss: 'xian-gaoxin',
    iat,
    purpose: 'application',
    documents: documents.map(entryOf),
    ...overrides,
  })

const input = async (manifest: string, overrides: Partial<SealInput> = {}): Promise<SealInput> => ({
  caseId: 'case-0001',
  purpose: 'application',
  manifest,
  submitter: gaoxin(),
  audience: ['xian-gaoxin', 'xian-beilin'],
  ...overrides,
})

const mismatches = async (manifest: string) => {
  const refusal = await refusalOf(async () => sealPackage(deps, await input(manifest)))
  expect(refusal.code).toBe('document-mismatch')
  return refusal.errors ?? []
}

describe('sealPackage', () => {
  it('copies every document into the case package and writes package.json beside them', async () => {
    const documents = uploaded(
      'xian-gaoxin',
      testDocument('申请表.pdf'),
      testDocument('照片.jpg', 'image/jpeg'),
    )
    const manifest = await manifestOf(documents)
    const { sealed } = await sealPackage(deps, await input(manifest))
    const prefix = `packages/case-0001/${sealed.packageId}/`
    expect([...store.sealed.keys()].sort()).toEqual(
      [...documents.map((document) => `${prefix}${document.documentId}`), `${prefix}package.json`].sort(),
    )
    for (const document of documents) {
      expect(store.sealed.get(`${prefix}${document.documentId}`)).toEqual(document.bytes)
    }
    expect(JSON.parse(store.sealed.get(`${prefix}package.json`)?.toString('utf8') ?? '')).toEqual(sealed)
  })

  it('answers the sealed package and its put-package change, and commits nothing itself', async () => {
    const documents = uploaded('xian-gaoxin', testDocument())
    const manifest = await manifestOf(documents)
    const { sealed, changes } = await sealPackage(deps, await input(manifest))
    expect(SealedPackage.parse(sealed)).toEqual(sealed)
    expect(sealed).toMatchObject({
      caseId: 'case-0001',
      purpose: 'application',
      manifest,
      manifestSha256: manifestSha256(manifest),
      sealedAt: now,
      submittedBy: 'xian-gaoxin',
      documents: documents.map((document) => ({
        ...entryOf(document),
        key: `packages/case-0001/${sealed.packageId}/${document.documentId}`,
      })),
    })
    expect(changes).toEqual([
      { kind: 'put-package', caseId: 'case-0001', packageId: sealed.packageId, value: sealed },
    ])
  })

  it("signs an exchange-seal+jwt binding the case, the package and the manifest's hash for the audience", async () => {
    const manifest = await manifestOf(uploaded('xian-gaoxin', testDocument()))
    const { sealed } = await sealPackage(deps, await input(manifest))
    expect(signer.signed).toEqual([
      {
        typ: 'exchange-seal+jwt',
        claims: {
          iss: 'exchange-test',
          iat: Date.parse(now) / 1000,
          aud: ['xian-gaoxin', 'xian-beilin'],
          caseId: 'case-0001',
          packageId: sealed.packageId,
          manifestSha256: manifestSha256(manifest),
        },
      },
    ])
    expect(sealed.seal.split('.')).toHaveLength(3)
  })

  it('derives the package id from the case and the manifest, so a retry seals to the same keys', async () => {
    const manifest = await manifestOf(uploaded('xian-gaoxin', testDocument()))
    const first = await sealPackage(deps, await input(manifest))
    const firstKeys = [...store.sealed.keys()]
    const again = await sealPackage(deps, await input(manifest))
    expect(again.sealed.packageId).toBe(first.sealed.packageId)
    expect([...store.sealed.keys()]).toEqual(firstKeys)
    expect(first.sealed.packageId).toBe(packageIdOf('case-0001', manifestSha256(manifest)))
    expect(first.sealed.packageId).toMatch(/^pkg-[a-z2-7]{26}$/)
    const elsewhere = await sealPackage(deps, await input(manifest, { caseId: 'case-0002' }))
    expect(elsewhere.sealed.packageId).not.toBe(first.sealed.packageId)
  })

  it('names packages pkg- and the first 26 base32 characters of SHA-256(caseId LF manifestSha256)', () => {
    // Computed independently: base64.b32encode(sha256(b'case-0001\n' + b'0' * 64)).lower()[:26]
    expect(packageIdOf('case-0001', '0'.repeat(64))).toBe('pkg-apchl2br777ze4agugztebrpnk')
  })

  it("refuses a manifest signed by another participant's key, and reads no bytes", async () => {
    const manifest = await manifestOf(uploaded('xian-gaoxin', testDocument()), {}, beilinKey)
    expect((await mismatches(manifest)).map((error) => error.path)).toEqual(['/manifest'])
    expect(store.measured).toEqual([])
    expect(store.sealed.size).toBe(0)
  })

  it('refuses a document uploaded by someone else as if it did not exist, and reads none of its bytes', async () => {
    const [foreign] = uploaded('xian-beilin', testDocument())
    const unknown = testDocument()
    const manifest = await manifestOf([foreign as TestDocument, unknown])
    const errors = await mismatches(manifest)
    expect(errors.map((error) => error.path)).toEqual([
      '/manifest/documents/0/documentId',
      '/manifest/documents/1/documentId',
    ])
    expect(errors[0]?.message).toBe(errors[1]?.message)
    expect(store.measured).toEqual([])
  })

  it('refuses an upload whose record has expired', async () => {
    const document = testDocument()
    uploads.announce('xian-gaoxin', document, {}, '2026-11-21T01:00:00.000Z')
    store.stage(document.documentId, document.bytes)
    expect((await mismatches(await manifestOf([document]))).map((error) => error.path)).toEqual([
      '/manifest/documents/0/documentId',
    ])
  })

  it('refuses a document announced but never uploaded', async () => {
    const document = testDocument()
    uploads.announce('xian-gaoxin', document)
    expect(await mismatches(await manifestOf([document]))).toEqual([
      { path: '/manifest/documents/0/documentId', message: 'no bytes were uploaded for this document' },
    ])
  })

  it('refuses stored bytes that do not match the declared SHA-256 or size', async () => {
    const tampered = testDocument()
    const truncated = testDocument()
    uploads.announce('xian-gaoxin', tampered)
    uploads.announce('xian-gaoxin', truncated)
    store.stage(tampered.documentId, Buffer.from(tampered.bytes.toString('utf8').toUpperCase()))
    store.stage(truncated.documentId, truncated.bytes.subarray(1))
    expect(await mismatches(await manifestOf([tampered, truncated]))).toEqual([
      { path: '/manifest/documents/0/sha256', message: 'the uploaded bytes do not have this SHA-256' },
      { path: '/manifest/documents/1/size', message: 'the uploaded bytes are not this size' },
    ])
  })

  it('refuses a manifest entry that differs from what was declared at upload', async () => {
    const document = testDocument()
    uploads.announce('xian-gaoxin', document, {
      size: document.size + 1,
      sha256: '0'.repeat(64),
      contentType: 'image/png',
    })
    store.stage(document.documentId, document.bytes)
    expect((await mismatches(await manifestOf([document]))).map((error) => error.path)).toEqual([
      '/manifest/documents/0/size',
      '/manifest/documents/0/sha256',
      '/manifest/documents/0/contentType',
    ])
  })

  it('lists every mismatch at once, seals nothing and signs nothing', async () => {
    const [good] = uploaded('xian-gaoxin', testDocument())
    const [foreign] = uploaded('xian-beilin', testDocument())
    const tampered = testDocument()
    uploads.announce('xian-gaoxin', tampered)
    store.stage(tampered.documentId, Buffer.from('other bytes'))
    const never = testDocument()
    uploads.announce('xian-gaoxin', never)
    const manifest = await manifestOf([good, foreign, tampered, never] as TestDocument[])
    expect((await mismatches(manifest)).map((error) => error.path)).toEqual([
      '/manifest/documents/1/documentId',
      '/manifest/documents/2/size',
      '/manifest/documents/3/documentId',
    ])
    expect(store.sealed.size).toBe(0)
    expect(signer.signed).toEqual([])
  })

  it('never repeats a file name in a refusal', async () => {
    const document = testDocument('李娜-户口簿.pdf')
    uploads.announce('xian-gaoxin', document)
    store.stage(document.documentId, Buffer.from('different'))
    const refusal = await refusalOf(async () => sealPackage(deps, await input(await manifestOf([document]))))
    expect(JSON.stringify({ detail: refusal.message, errors: refusal.errors })).not.toContain('李娜')
  })

  it('treats a bad case id or an empty audience as a bug of its caller', async () => {
    const manifest = await manifestOf(uploaded('xian-gaoxin', testDocument()))
    await expect(sealPackage(deps, await input(manifest, { caseId: '../other' }))).rejects.toThrow(TypeError)
    await expect(sealPackage(deps, await input(manifest, { audience: [] }))).rejects.toThrow(TypeError)
  })
})
