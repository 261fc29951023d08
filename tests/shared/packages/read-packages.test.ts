import { describe, expect, it } from 'vitest'
import { getPackage, listPackages, type PackageReadDeps } from '#shared/packages/read-packages.js'
import type { SealedPackage } from '#shared/packages/sealed-package.js'
import { entryOf, InMemoryCases, InMemoryDocumentStore, testDocument } from '../../support/document-fakes.js'
import { fixedClock, InMemoryStores, sequentialIds } from '../../support/in-memory-stores.js'
import { actor, refusalOf } from '../../support/registry-fixtures.js'

const now = '2026-11-21T01:30:00.000Z'

const sealedPackage = (packageId: string, sealedAt: string, caseId = 'case-0001'): SealedPackage => {
  const document = testDocument('户口簿-王芳.pdf')
  return {
    packageId,
    caseId,
    purpose: 'application',
    manifest: 'manifest.jws.sig',
    manifestSha256: '1'.repeat(64),
    seal: 'seal.jws.sig',
    documents: [
      { ...entryOf(document), material: 'household-register', key: `packages/${caseId}/${packageId}/x` },
    ],
    sealedAt,
    submittedBy: 'xian-gaoxin',
  }
}

const first = sealedPackage('pkg-bbbbbbbbbbbbbbbbbbbbbbbbbb', '2026-11-20T01:00:00.000Z')
const second = sealedPackage('pkg-aaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-11-20T02:00:00.000Z')

const setup = () => {
  const stores = new InMemoryStores()
  const cases = new InMemoryCases()
  cases.parties.set('case-0001', { accepting: 'xian-gaoxin', homes: ['xian-beilin', 'xian-lianhu'] })
  cases.packages.set('case-0001', [second, first])
  cases.parties.set('case-0002', { accepting: 'xian-gaoxin', homes: ['xian-beilin'] })
  const deps: PackageReadDeps = {
    writer: stores,
    chains: stores,
    clock: fixedClock(now),
    newEventId: sequentialIds(),
    parties: cases,
    packages: cases,
    documents: new InMemoryDocumentStore(),
  }
  return { stores, deps }
}

const accepting = actor('xian-gaoxin', ['accepting'], 'window-3')
const home = actor('xian-lianhu', ['home'])
const auditor = actor('provincial-audit', ['auditor'])
const stranger = actor('xian-yanta', ['accepting', 'home'])

describe('getPackage', () => {
  it('shows a party the package with a 15-minute download URL per document', async () => {
    const { deps } = setup()
    for (const caller of [accepting, home]) {
      const view = await getPackage(deps, { caseId: 'case-0001', packageId: first.packageId, caller })
      const [document] = first.documents
      expect(view).toEqual({
        packageId: first.packageId,
        purpose: 'application',
        manifest: first.manifest,
        seal: first.seal,
        documents: [
          {
            documentId: document?.documentId,
            name: document?.name,
            contentType: document?.contentType,
            size: document?.size,
            sha256: document?.sha256,
            material: 'household-register',
            url: `https://sealed.example/${document?.key}?expires=900`,
            expiresAt: '2026-11-21T01:45:00.000Z',
          },
        ],
      })
    }
  })

  it('shows an auditor the same without URLs', async () => {
    const { deps } = setup()
    const view = await getPackage(deps, { caseId: 'case-0001', packageId: first.packageId, caller: auditor })
    expect(view.documents[0]).not.toHaveProperty('url')
    expect(view.documents[0]).not.toHaveProperty('expiresAt')
    expect(view.documents[0]).not.toHaveProperty('key')
    expect(view.seal).toBe(first.seal)
  })

  it('answers not-found to anyone else, for an unknown case and for an unknown package, logging nothing', async () => {
    const { deps, stores } = setup()
    const refusals = await Promise.all([
      refusalOf(() =>
        getPackage(deps, { caseId: 'case-0001', packageId: first.packageId, caller: stranger }),
      ),
      refusalOf(() => getPackage(deps, { caseId: 'case-9999', packageId: first.packageId, caller: auditor })),
      refusalOf(() =>
        getPackage(deps, { caseId: 'case-0002', packageId: first.packageId, caller: accepting }),
      ),
    ])
    expect(refusals.map((refusal) => refusal.code)).toEqual(['not-found', 'not-found', 'not-found'])
    expect(stores.committed).toEqual([])
  })

  it("logs the read on the case's chain, with the package id and no names", async () => {
    const { deps, stores } = setup()
    await getPackage(deps, { caseId: 'case-0001', packageId: first.packageId, caller: accepting })
    await getPackage(deps, { caseId: 'case-0001', packageId: first.packageId, caller: auditor })
    const events = stores.chain('case#case-0001')
    expect(events.map(({ actor, action, caseId, details }) => ({ actor, action, caseId, details }))).toEqual([
      {
        actor: { participant: 'xian-gaoxin', sub: 'window-3' },
        action: 'package.read',
        caseId: 'case-0001',
        details: { packageId: first.packageId },
      },
      {
        actor: { participant: 'provincial-audit', sub: 'console' },
        action: 'package.read',
        caseId: 'case-0001',
        details: { packageId: first.packageId },
      },
    ])
    expect(JSON.stringify(events)).not.toContain('王芳')
  })
})

describe('listPackages', () => {
  it("lists a case's packages oldest first, each read logged", async () => {
    const { deps, stores } = setup()
    const { packages } = await listPackages(deps, { caseId: 'case-0001', caller: home })
    expect(packages.map((view) => view.packageId)).toEqual([first.packageId, second.packageId])
    expect(packages[0]?.documents[0]?.url).toEqual(expect.any(String))
    expect(stores.chain('case#case-0001').map((event) => event.details)).toEqual([
      { packageId: first.packageId },
      { packageId: second.packageId },
    ])
    expect(stores.committed).toHaveLength(1)
  })

  it('answers an empty list for a case without packages, logging nothing', async () => {
    const { deps, stores } = setup()
    expect(await listPackages(deps, { caseId: 'case-0002', caller: accepting })).toEqual({ packages: [] })
    expect(stores.committed).toEqual([])
  })

  it('answers not-found to a participant that is not party to the case', async () => {
    const { deps } = setup()
    const refusal = await refusalOf(() => listPackages(deps, { caseId: 'case-0001', caller: stranger }))
    expect(refusal.code).toBe('not-found')
  })
})
