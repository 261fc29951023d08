import { describe, expect, it } from 'vitest'
import { createUploads, type UploadDeps } from '#shared/packages/create-uploads.js'
import { maxDocumentBytes, UploadRequest } from '#shared/packages/upload.js'
import { InMemoryDocumentStore, sha256Hex } from '../../support/document-fakes.js'
import { fixedClock, InMemoryStores, sequentialIds } from '../../support/in-memory-stores.js'
import { actor } from '../../support/registry-fixtures.js'

const now = '2026-11-21T01:30:00.000Z'

const file = (overrides: Record<string, unknown> = {}) => ({
  name: '营业执照副本.pdf',
  contentType: 'application/pdf',
  size: 1024,
  sha256: sha256Hex('licence'),
  ...overrides,
})

const setup = () => {
  const stores = new InMemoryStores()
  const ids = sequentialIds('019a9e5c-6d1b-7c3e-9f1a')
  const deps: UploadDeps = {
    writer: stores,
    chains: stores,
    clock: fixedClock(now),
    newEventId: sequentialIds(),
    documents: new InMemoryDocumentStore(),
    newDocumentId: () => `${ids()}00000000`,
    stagedForSeconds: 86_400,
  }
  return { stores, deps }
}

const caller = actor('xian-gaoxin', ['accepting'], 'window-7')

describe('createUploads', () => {
  it('answers a PUT URL per file, in order, bound to its declared type, length and SHA-256 for 15 minutes', async () => {
    const { deps } = setup()
    const files = [
      file(),
      file({ name: 'photo.jpg', contentType: 'image/jpeg', size: 7, sha256: sha256Hex('p') }),
    ]
    const { uploads } = await createUploads(deps, { files, caller })
    expect(uploads).toEqual([
      {
        documentId: '019a9e5c-6d1b-7c3e-9f1a-000100000000',
        name: '营业执照副本.pdf',
        url: 'https://staging.example/uploads/019a9e5c-6d1b-7c3e-9f1a-000100000000?signed',
        method: 'PUT',
        headers: {
          'content-type': 'application/pdf',
          'content-length': '1024',
          'x-amz-checksum-sha256': Buffer.from(sha256Hex('licence'), 'hex').toString('base64'),
        },
        expiresAt: '2026-11-21T01:45:00.000Z',
      },
      expect.objectContaining({ documentId: '019a9e5c-6d1b-7c3e-9f1a-000200000000', name: 'photo.jpg' }),
    ])
  })

  it('records each upload for its owner until the staged bytes expire, with one audit event', async () => {
    const { deps, stores } = setup()
    await createUploads(deps, { files: [file(), file()], caller })
    expect(stores.committed).toHaveLength(1)
    const changes = stores.committed[0] ?? []
    expect(changes.filter((change) => change.kind === 'put-upload')).toEqual([
      {
        kind: 'put-upload',
        documentId: '019a9e5c-6d1b-7c3e-9f1a-000100000000',
        owner: 'xian-gaoxin',
        expiresAt: '2026-11-22T01:30:00.000Z',
        value: {
          documentId: '019a9e5c-6d1b-7c3e-9f1a-000100000000',
          owner: 'xian-gaoxin',
          ...file(),
          createdAt: now,
          urlExpiresAt: '2026-11-21T01:45:00.000Z',
          expiresAt: '2026-11-22T01:30:00.000Z',
        },
      },
      expect.objectContaining({ kind: 'put-upload', documentId: '019a9e5c-6d1b-7c3e-9f1a-000200000000' }),
    ])
    const [event] = stores.chain('participant#xian-gaoxin')
    expect(event).toMatchObject({
      actor: { participant: 'xian-gaoxin', sub: 'window-7' },
      action: 'upload.created',
      details: {
        documentIds: ['019a9e5c-6d1b-7c3e-9f1a-000100000000', '019a9e5c-6d1b-7c3e-9f1a-000200000000'],
        bytes: 2048,
      },
    })
    expect(JSON.stringify(event)).not.toContain('营业执照')
  })
})

describe('UploadRequest', () => {
  const paths = (body: unknown) => {
    const parsed = UploadRequest.safeParse(body)
    return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('/'))
  }

  it('takes 1 to 50 files', () => {
    expect(paths({ files: [file()] })).toEqual([])
    expect(paths({ files: Array.from({ length: 50 }, () => file()) })).toEqual([])
    expect(paths({ files: [] })).toEqual(['files'])
    expect(paths({ files: Array.from({ length: 51 }, () => file()) })).toEqual(['files'])
  })

  it('takes sizes from one byte to 50 MiB', () => {
    expect(paths({ files: [file({ size: 1 }), file({ size: maxDocumentBytes })] })).toEqual([])
    expect(
      paths({ files: [file({ size: 0 }), file({ size: maxDocumentBytes + 1 }), file({ size: 1.5 })] }),
    ).toEqual(['files/0/size', 'files/1/size', 'files/2/size'])
  })

  it('takes SHA-256 digests as 64 lowercase hex digits only', () => {
    const digest = sha256Hex('x')
    expect(
      paths({ files: [file({ sha256: digest.toUpperCase() }), file({ sha256: digest.slice(1) })] }),
    ).toEqual(['files/0/sha256', 'files/1/sha256'])
  })

  it('refuses names with path separators, control characters or direction overrides', () => {
    const bad = [
      'a/b.pdf',
      'a\\b.pdf',
      'a\nb.pdf',
      'a\u0000.pdf',
      'a\u0085.pdf',
      'fdp.\u202eexe',
      '..',
      '',
      'x'.repeat(256),
    ]
    expect(paths({ files: bad.map((name) => file({ name })) })).toEqual(
      bad.map((_, index) => `files/${index}/name`),
    )
    expect(
      paths({ files: [file({ name: '不动产登记申请表（2026）.pdf' }), file({ name: '.hidden' })] }),
    ).toEqual([])
  })

  it('takes media types without parameters', () => {
    const good = [
      'application/pdf',
      'image/jpeg',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ]
    const bad = ['pdf', 'text/plain; charset=utf-8', 'application/', '/pdf', 'image/jpeg\r\nx-evil: 1']
    expect(paths({ files: good.map((contentType) => file({ contentType })) })).toEqual([])
    expect(paths({ files: bad.map((contentType) => file({ contentType })) })).toEqual(
      bad.map((_, index) => `files/${index}/contentType`),
    )
  })

  it('refuses unknown members', () => {
    expect(paths({ files: [{ ...file(), path: '/tmp' }] })).toEqual(['files/0'])
    expect(paths({ files: [file()], owner: 'someone' })).toEqual([''])
  })
})
