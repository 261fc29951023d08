import { createHash } from 'node:crypto'
import { importJWK, SignJWT } from 'jose'
import type { DocumentStore, StagedDigest } from '#shared/packages/document-store.js'
import type { CaseParties, PackageRecords, SealedPackage } from '#shared/packages/sealed-package.js'
import type { UploadRecord, UploadRecords } from '#shared/packages/upload.js'
import type { PublicJwk } from '#shared/registry/jwks.js'
import type { Participant } from '#shared/registry/participant.js'
import type { ExchangeSigner, ExchangeTokenType } from '#shared/trust/exchange-signer.js'
import type { SigningKey } from './signing-keys.js'

/** Hex SHA-256 of some bytes. */
export const sha256Hex = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex')

/** A registered participant holding `keys`. */
export const participantWith = (
  id: string,
  keys: SigningKey[],
  overrides: Partial<Participant> = {},
): Participant => ({
  id,
  name: `District ${id}`,
  kind: 'district',
  roles: ['accepting', 'home'],
  jwks: { keys: keys.map((key) => key.publicJwk) as [PublicJwk, ...PublicJwk[]] },
  status: 'active',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
})

type ManifestOptions = { header?: Record<string, unknown>; kid?: string }

/** Signs manifest claims as a participant's system would; options bend the header into defects. */
export const signManifest = async (
  key: SigningKey,
  claims: Record<string, unknown>,
  options: ManifestOptions = {},
): Promise<string> =>
  new SignJWT(claims)
    .setProtectedHeader({
      alg: key.alg,
      kid: options.kid ?? key.publicJwk.kid,
      typ: 'exchange-manifest+jwt',
      ...options.header,
    })
    .sign(await importJWK(key.privateJwk, key.alg))

/** A document's bytes and what a manifest says of them. */
export type TestDocument = {
  documentId: string
  name: string
  contentType: string
  size: number
  sha256: string
  bytes: Buffer
}

let documentCounter = 0

/** A document with fresh bytes and a fresh id (a UUID in the shape the exchange issues). */
export const testDocument = (name = '营业执照.pdf', contentType = 'application/pdf'): TestDocument => {
  documentCounter += 1
  const bytes = Buffer.from(`%PDF-1.7 document ${documentCounter} ${'x'.repeat(documentCounter % 7)}`)
  const suffix = String(documentCounter).padStart(12, '0')
  return {
    documentId: `019a9e5c-6d1b-7c3e-9f1a-${suffix}`,
    name,
    contentType,
    size: bytes.length,
    sha256: sha256Hex(bytes),
    bytes,
  }
}

/** The manifest entry of a test document. */
export const entryOf = ({ documentId, name, contentType, size, sha256 }: TestDocument) => ({
  documentId,
  name,
  contentType,
  size,
  sha256,
})

/** Upload records in a map, as `put-upload` changes would have left them. */
export class InMemoryUploadRecords implements UploadRecords {
  readonly records = new Map<string, UploadRecord>()

  /** Records `document` as announced by `owner`, as declared unless `declared` says otherwise. */
  announce(
    owner: string,
    document: TestDocument,
    declared: Partial<UploadRecord> = {},
    expiresAt = '2026-11-22T01:30:00.000Z',
  ) {
    this.records.set(document.documentId, {
      documentId: document.documentId,
      owner,
      name: document.name,
      contentType: document.contentType,
      size: document.size,
      sha256: document.sha256,
      createdAt: '2026-11-21T01:00:00.000Z',
      urlExpiresAt: '2026-11-21T01:15:00.000Z',
      expiresAt,
      ...declared,
    })
  }

  async get(documentId: string) {
    const record = this.records.get(documentId)
    return record === undefined ? undefined : { ...record }
  }
}

/** Both buckets in memory; staged bytes are measured like the S3 adapter measures them. */
export class InMemoryDocumentStore implements DocumentStore {
  readonly staged = new Map<string, { bytes: Buffer; revision: string }>()
  readonly sealed = new Map<string, Buffer>()
  /** Every document whose staged bytes were read. */
  readonly measured: string[] = []
  private revisions = 0

  stage(documentId: string, bytes: Buffer) {
    this.revisions += 1
    this.staged.set(documentId, { bytes, revision: `"etag-${this.revisions}"` })
  }

  async presignUpload(slot: { documentId: string; contentType: string; size: number; sha256: string }) {
    return {
      url: `https://staging.example/uploads/${slot.documentId}?signed`,
      headers: {
        'content-type': slot.contentType,
        'content-length': String(slot.size),
        'x-amz-checksum-sha256': Buffer.from(slot.sha256, 'hex').toString('base64'),
      },
    }
  }

  async stagedDigest(documentId: string): Promise<StagedDigest | undefined> {
    this.measured.push(documentId)
    const object = this.staged.get(documentId)
    if (object === undefined) return undefined
    return { size: object.bytes.length, sha256: sha256Hex(object.bytes), revision: object.revision }
  }

  async copyToSealed(copy: { documentId: string; revision: string; key: string }) {
    const object = this.staged.get(copy.documentId)
    if (object === undefined || object.revision !== copy.revision) throw new Error('precondition failed')
    this.sealed.set(copy.key, object.bytes)
  }

  async putSealed(key: string, json: string) {
    this.sealed.set(key, Buffer.from(json, 'utf8'))
  }

  async presignDownload(key: string, expiresInSeconds: number) {
    return `https://sealed.example/${key}?expires=${expiresInSeconds}`
  }
}

/** Signs nothing real: records what it was asked to sign and answers a readable stand-in. */
export class RecordingSigner implements Pick<ExchangeSigner, 'sign'> {
  readonly signed: { typ: ExchangeTokenType; claims: Record<string, unknown> }[] = []

  async sign(typ: ExchangeTokenType, claims: Record<string, unknown>) {
    this.signed.push({ typ, claims })
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    return `${part({ alg: 'ES256', typ })}.${part(claims)}.c2lnbmF0dXJl`
  }
}

/** Cases' parties and packages in maps. */
export class InMemoryCases implements CaseParties, PackageRecords {
  readonly parties = new Map<string, { accepting: string; homes: string[] }>()
  readonly packages = new Map<string, SealedPackage[]>()

  async partiesOf(caseId: string) {
    return this.parties.get(caseId)
  }

  async list(caseId: string) {
    return [...(this.packages.get(caseId) ?? [])]
  }

  async get(caseId: string, packageId: string) {
    return this.packages.get(caseId)?.find((sealed) => sealed.packageId === packageId)
  }
}
