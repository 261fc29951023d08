import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { keys } from '#functions/adapters/dynamodb-keys.js'
import { DomainError } from '#shared/errors.js'
import { sealPackage } from '#shared/packages/seal-package.js'
import {
  type Caller,
  call,
  errorPaths,
  expectProblem,
  registerParticipant,
} from '../../support/exchange-client.js'
import {
  chainEvents,
  localDocuments,
  participantOf,
  putBytes,
  signManifestAs,
  stateItem,
  type UploadFile,
} from '../../support/local-documents.js'

const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

const declare = (file: UploadFile) => ({
  name: file.name,
  contentType: file.contentType,
  size: file.bytes.length,
  sha256: sha256Hex(file.bytes),
})

const licence: UploadFile = {
  name: '营业执照副本-王建国.pdf',
  contentType: 'application/pdf',
  bytes: Buffer.from('%PDF-1.7\nbusiness licence of a test company\n%%EOF\n'),
}
const photo: UploadFile = {
  name: 'photo.jpg',
  contentType: 'image/jpeg',
  bytes: Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
}

let accepting: Caller
let home: Caller
let auditor: Caller

beforeAll(async () => {
  ;[accepting, home, auditor] = await Promise.all([
    registerParticipant(['accepting']),
    registerParticipant(['home'], 'EdDSA'),
    registerParticipant(['auditor']),
  ])
})

describe('POST /v1/uploads', () => {
  it('answers 201 with a PUT URL and its headers per file, valid for 15 minutes', async () => {
    const before = Date.now()
    const answer = await call('POST', '/v1/uploads', {
      as: accepting,
      body: { files: [declare(licence), declare(photo)] },
    })
    expect(answer.status).toBe(201)
    expect(answer.body.uploads).toHaveLength(2)
    const [first, second] = answer.body.uploads
    expect(first).toEqual({
      documentId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      name: licence.name,
      url: expect.any(String),
      method: 'PUT',
      headers: {
        'content-type': 'application/pdf',
        'content-length': String(licence.bytes.length),
        'x-amz-checksum-sha256': createHash('sha256').update(licence.bytes).digest('base64'),
      },
      expiresAt: expect.any(String),
    })
    expect(second.documentId).not.toBe(first.documentId)
    const lifetime = Date.parse(first.expiresAt) - before
    expect(lifetime).toBeGreaterThan(14 * 60_000)
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000 + 1000)
  })

  it('signs the type, length and checksum into the URL as headers, for 900 seconds', async () => {
    const answer = await call('POST', '/v1/uploads', { as: home, body: { files: [declare(photo)] } })
    const url = new URL(answer.body.uploads[0].url)
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual([
      'content-length',
      'content-type',
      'host',
      'x-amz-checksum-sha256',
    ])
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900')
    expect(url.searchParams.has('x-amz-checksum-sha256')).toBe(false)
    expect(url.pathname.endsWith(`/uploads/${answer.body.uploads[0].documentId}`)).toBe(true)
  })

  it('takes the bytes through the URL with plain fetch, where the exchange measures them', async () => {
    const answer = await call('POST', '/v1/uploads', { as: accepting, body: { files: [declare(licence)] } })
    const [slot] = answer.body.uploads
    const put = await putBytes(slot, licence.bytes)
    expect(put.status).toBe(200)
    const staged = await localDocuments().sealDeps.documents.stagedDigest(slot.documentId)
    expect(staged).toMatchObject({ size: licence.bytes.length, sha256: sha256Hex(licence.bytes) })
  })

  it('records each upload for its owner, and logs one event without file names', async () => {
    const answer = await call('POST', '/v1/uploads', {
      as: accepting,
      body: { files: [declare(licence), declare(photo)] },
    })
    const ids: string[] = answer.body.uploads.map((slot: { documentId: string }) => slot.documentId)
    for (const documentId of ids) {
      const item = await stateItem(keys.upload(documentId) as Record<string, { S: string }>)
      expect(item?.owner?.S).toBe(accepting.id)
      expect(Number(item?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000 + 23 * 3600)
    }
    const events = await chainEvents(`participant#${accepting.id}`)
    const mine = events.filter(
      (event) => event.action === 'upload.created' && event.details.documentIds[0] === ids[0],
    )
    expect(mine).toHaveLength(1)
    expect(mine[0].details).toEqual({ documentIds: ids, bytes: licence.bytes.length + photo.bytes.length })
    expect(JSON.stringify(mine)).not.toContain('王建国')
  })

  it('is for accepting and home participants only', async () => {
    const answer = await call('POST', '/v1/uploads', { as: auditor, body: { files: [declare(photo)] } })
    expectProblem(answer, 403, 'forbidden')
  })

  it('refuses bad declarations, naming each field, without echoing them', async () => {
    const answer = await call('POST', '/v1/uploads', {
      as: accepting,
      body: {
        files: [
          { ...declare(licence), name: '../../王建国/licence.pdf' },
          { ...declare(photo), size: 50 * 1024 * 1024 + 1, sha256: 'ABC' },
          { ...declare(photo), contentType: 'jpeg' },
        ],
      },
    })
    expectProblem(answer, 422, 'validation-failed')
    expect(errorPaths(answer).sort()).toEqual(
      ['/files/0/name', '/files/1/sha256', '/files/1/size', '/files/2/contentType'].sort(),
    )
    expect(JSON.stringify(answer.body)).not.toContain('王建国')
  })

  it('refuses an empty list and more than fifty files', async () => {
    for (const files of [[], Array.from({ length: 51 }, () => declare(photo))]) {
      const answer = await call('POST', '/v1/uploads', { as: accepting, body: { files } })
      expectProblem(answer, 422, 'validation-failed')
      expect(errorPaths(answer)).toEqual(['/files'])
    }
  })
})

describe('an upload whose bytes differ from its declaration', () => {
  it('is stored by the local S3, which checks nothing, and refused when a manifest would seal it', async () => {
    const tampered = Buffer.from(licence.bytes.toString('latin1').replace('test', 'fake'), 'latin1')
    expect(tampered.length).toBe(licence.bytes.length)
    const answer = await call('POST', '/v1/uploads', {
      as: accepting,
      body: { files: [declare(licence), declare(photo)] },
    })
    const [licenceSlot, photoSlot] = answer.body.uploads
    expect((await putBytes(licenceSlot, tampered)).status).toBe(200)
    expect((await putBytes(photoSlot, photo.bytes)).status).toBe(200)
    const manifest = await signManifestAs(accepting, 'application', [
      { documentId: licenceSlot.documentId, ...declare(licence) },
      { documentId: photoSlot.documentId, ...declare(photo) },
    ])
    const refusal = await sealPackage(localDocuments().sealDeps, {
      caseId: 'case-tampered',
      purpose: 'application',
      manifest,
      submitter: await participantOf(accepting),
      audience: [accepting.id],
    }).catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(DomainError)
    expect((refusal as DomainError).code).toBe('document-mismatch')
    expect((refusal as DomainError).errors).toEqual([
      { path: '/manifest/documents/0/sha256', message: 'the uploaded bytes do not have this SHA-256' },
    ])
  })
})
