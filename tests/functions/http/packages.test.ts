import { createHash, randomUUID } from 'node:crypto'
import { GetObjectCommand } from '@aws-sdk/client-s3'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { dynamodbChangeWriter } from '#functions/adapters/dynamodb-change-writer.js'
import { s3Client } from '#functions/dependencies/s3.js'
import { manifestSha256 } from '#shared/packages/manifest.js'
import { sealPackage } from '#shared/packages/seal-package.js'
import type { SealedPackage } from '#shared/packages/sealed-package.js'
import {
  type Caller,
  call,
  errorPaths,
  exchange,
  expectProblem,
  mintToken,
  registerParticipant,
} from '../../support/exchange-client.js'
import {
  chainEvents,
  localDocuments,
  localDynamodb,
  localSettings,
  participantOf,
  putBytes,
  signManifestAs,
  type UploadFile,
} from '../../support/local-documents.js'

const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

const files: UploadFile[] = [
  {
    name: '不动产登记申请表.pdf',
    contentType: 'application/pdf',
    bytes: Buffer.from('%PDF-1.7 application form'),
  },
  {
    name: '身份证-赵敏.png',
    contentType: 'image/png',
    bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
  },
]

const declare = (file: UploadFile) => ({
  name: file.name,
  contentType: file.contentType,
  size: file.bytes.length,
  sha256: sha256Hex(file.bytes),
})

/**
 * A case the way case submission will leave it: the case item naming its parties, and a package
 * the accepting participant uploaded through the API and the exchange sealed, committed together.
 */
const caseWithPackage = async (accepting: Caller, homes: Caller[]) => {
  const answer = await call('POST', '/v1/uploads', { as: accepting, body: { files: files.map(declare) } })
  expect(answer.status).toBe(201)
  const slots = answer.body.uploads
  for (const [index, slot] of slots.entries()) {
    expect((await putBytes(slot, files[index]?.bytes ?? Buffer.alloc(0))).status).toBe(200)
  }
  const manifest = await signManifestAs(
    accepting,
    'application',
    slots.map((slot: { documentId: string }, index: number) => ({
      documentId: slot.documentId,
      ...declare(files[index] as UploadFile),
      ...(index === 0 ? { material: 'application-form' } : {}),
    })),
  )
  const caseId = `case-${randomUUID()}`
  const { sealed, changes } = await sealPackage(localDocuments().sealDeps, {
    caseId,
    purpose: 'application',
    manifest,
    submitter: await participantOf(accepting),
    audience: [accepting.id, ...homes.map((home) => home.id)],
  })
  await dynamodbChangeWriter(localDynamodb, {
    state: localSettings.STATE_TABLE,
    audit: localSettings.AUDIT_TABLE,
    inbox: localSettings.INBOX_TABLE,
  }).commit([
    {
      kind: 'put-case',
      caseId,
      accepting: accepting.id,
      createdAt: new Date().toISOString(),
      value: { caseId, accepting: accepting.id, homes: homes.map((home) => home.id) },
    },
    ...changes,
  ])
  return { caseId, sealed, manifest, slots }
}

let accepting: Caller
let home: Caller
let auditor: Caller
let stranger: Caller
let fixture: Awaited<ReturnType<typeof caseWithPackage>>

beforeAll(async () => {
  ;[accepting, home, auditor, stranger] = await Promise.all([
    registerParticipant(['accepting']),
    registerParticipant(['home'], 'EdDSA'),
    registerParticipant(['auditor']),
    registerParticipant(['accepting', 'home']),
  ])
  fixture = await caseWithPackage(accepting, [home])
})

const packagePath = (caseId = fixture.caseId, packageId = fixture.sealed.packageId) =>
  `/v1/cases/${caseId}/packages/${packageId}`

describe('sealing against the local stores', () => {
  it('copies the documents and package.json into the sealed bucket', async () => {
    const s3 = s3Client(localSettings)
    const read = async (key: string) => {
      const object = await s3.send(new GetObjectCommand({ Bucket: localSettings.SEALED_BUCKET, Key: key }))
      return Buffer.from((await object.Body?.transformToByteArray()) ?? [])
    }
    for (const [index, document] of fixture.sealed.documents.entries()) {
      expect(document.key).toBe(
        `packages/${fixture.caseId}/${fixture.sealed.packageId}/${document.documentId}`,
      )
      expect(await read(document.key)).toEqual(files[index]?.bytes)
    }
    const stored = JSON.parse(
      (await read(`packages/${fixture.caseId}/${fixture.sealed.packageId}/package.json`)).toString('utf8'),
    ) as SealedPackage
    expect(stored).toEqual(fixture.sealed)
  })

  it("issues a seal that verifies with the exchange's published keys", async () => {
    const jwks = createRemoteJWKSet(new URL(`${exchange.url}/.well-known/jwks.json`))
    const { payload } = await jwtVerify(fixture.sealed.seal, jwks, {
      issuer: exchange.exchangeId,
      audience: home.id,
      typ: 'exchange-seal+jwt',
    })
    expect(payload).toMatchObject({
      caseId: fixture.caseId,
      packageId: fixture.sealed.packageId,
      manifestSha256: manifestSha256(fixture.manifest),
      aud: [accepting.id, home.id],
    })
    expect(decodeProtectedHeader(fixture.sealed.seal).alg).toBe('ES256')
  })
})

describe('GET /v1/cases/{caseId}/packages/{packageId}', () => {
  it('shows a party the manifest, the seal and a download URL per document that serves its bytes', async () => {
    for (const caller of [accepting, home]) {
      const answer = await call('GET', packagePath(), { as: caller })
      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({
        packageId: fixture.sealed.packageId,
        purpose: 'application',
        manifest: fixture.manifest,
        seal: fixture.sealed.seal,
      })
      expect(answer.body.documents.map((document: { name: string }) => document.name)).toEqual(
        files.map((file) => file.name),
      )
      expect(answer.body.documents[0].material).toBe('application-form')
      for (const [index, document] of answer.body.documents.entries()) {
        expect(document).toMatchObject({
          ...declare(files[index] as UploadFile),
          documentId: fixture.slots[index].documentId,
        })
        expect(Date.parse(document.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000)
        expect(document).not.toHaveProperty('key')
        const download = await fetch(document.url)
        expect(download.status).toBe(200)
        expect(Buffer.from(await download.arrayBuffer())).toEqual(files[index]?.bytes)
      }
    }
  })

  it('shows an auditor the same without URLs', async () => {
    const answer = await call('GET', packagePath(), { as: auditor })
    expect(answer.status).toBe(200)
    expect(answer.body.seal).toBe(fixture.sealed.seal)
    for (const document of answer.body.documents) {
      expect(document).not.toHaveProperty('url')
      expect(document).not.toHaveProperty('expiresAt')
    }
  })

  it('answers 404 to anyone else, and for unknown cases and packages, alike', async () => {
    const answers = await Promise.all([
      call('GET', packagePath(), { as: stranger }),
      call('GET', packagePath(`case-${randomUUID()}`), { as: accepting }),
      call('GET', packagePath(fixture.caseId, 'pkg-aaaaaaaaaaaaaaaaaaaaaaaaaa'), { as: home }),
    ])
    for (const answer of answers) expectProblem(answer, 404, 'not-found')
    // A stranger learns nothing of the case: its answer reads as one for a case that does not exist.
    expect(answers[0]?.body.detail).toBe(answers[1]?.body.detail)
  })

  it('refuses a malformed package id', async () => {
    const answer = await call('GET', packagePath(fixture.caseId, 'package.json'), { as: home })
    expectProblem(answer, 422, 'validation-failed')
    expect(errorPaths(answer)).toEqual(['/params/packageId'])
  })

  it("logs every read on the case's chain, with who read which package and no file names", async () => {
    const sub = `reader-${randomUUID()}`
    const answer = await call('GET', packagePath(), { token: await mintToken(auditor, { claims: { sub } }) })
    expect(answer.status).toBe(200)
    const events = (await chainEvents(`case#${fixture.caseId}`)).filter((event) => event.actor.sub === sub)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      actor: { participant: auditor.id, sub },
      action: 'package.read',
      caseId: fixture.caseId,
      details: { packageId: fixture.sealed.packageId },
    })
    expect(JSON.stringify(events)).not.toContain('赵敏')
  })
})

describe('GET /v1/cases/{caseId}/packages', () => {
  it("lists the case's packages for its parties, each read logged", async () => {
    const before = (await chainEvents(`case#${fixture.caseId}`)).length
    const answer = await call('GET', `/v1/cases/${fixture.caseId}/packages`, { as: home })
    expect(answer.status).toBe(200)
    expect(answer.body.packages.map((view: { packageId: string }) => view.packageId)).toEqual([
      fixture.sealed.packageId,
    ])
    expect(answer.body.packages[0].documents[0].url).toEqual(expect.any(String))
    const events = await chainEvents(`case#${fixture.caseId}`)
    expect(events.slice(before).map((event) => [event.action, event.actor.participant])).toEqual([
      ['package.read', home.id],
    ])
  })

  it('answers 404 to a participant that is not party to the case', async () => {
    expectProblem(
      await call('GET', `/v1/cases/${fixture.caseId}/packages`, { as: stranger }),
      404,
      'not-found',
    )
  })
})
