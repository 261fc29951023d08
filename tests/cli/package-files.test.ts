import { describe, expect, it } from 'vitest'
import { checkPackageFiles, nameCollisions } from '../../cli/package-files.js'

describe('nameCollisions', () => {
  it('finds none when every document gets a file of its own', () => {
    expect(nameCollisions(['form.pdf', 'licence.pdf', 'form.pdf.txt', 'manifest.json'])).toEqual([])
  })

  it.each([
    ['the same name twice', ['a.pdf', 'form.pdf', 'a.pdf'], [{ names: ['a.pdf', 'a.pdf'] }]],
    ['names differing only in letter case', ['Scan.PDF', 'scan.pdf'], [{ names: ['Scan.PDF', 'scan.pdf'] }]],
    [
      'names differing only in Unicode normalization',
      ['caf\u00e9.pdf', 'cafe\u0301.pdf'],
      [{ names: ['caf\u00e9.pdf', 'cafe\u0301.pdf'] }],
    ],
    [
      'names differing only in trailing dots and spaces',
      ['a.pdf', 'a.pdf. '],
      [{ names: ['a.pdf', 'a.pdf. '] }],
    ],
    ["another document's partial download", ['x.pdf', 'X.pdf.part'], [{ names: ['x.pdf', 'X.pdf.part'] }]],
  ])('groups %s', (_, names, collisions) => {
    expect(nameCollisions(names)).toEqual(collisions)
  })

  it('names the sidecar a document would overwrite', () => {
    expect(nameCollisions(['Manifest.jwt', 'form.pdf', 'seal.jwt'])).toEqual([
      { names: ['Manifest.jwt'], sidecar: 'manifest.jwt' },
      { names: ['seal.jwt'], sidecar: 'seal.jwt' },
    ])
  })
})

describe('checkPackageFiles', () => {
  const listing = (...names: string[]) => ({ packageId: 'pkg-1', documents: names.map((name) => ({ name })) })

  it('passes a package whose documents each get a file of their own', () => {
    expect(checkPackageFiles(listing('form.pdf', 'licence.pdf'))).toBeUndefined()
  })

  it('refuses a colliding package as name-collision, naming the package and every collision', () => {
    expect(() => checkPackageFiles(listing('a.pdf', 'A.pdf', 'seal.jwt'))).toThrow(
      expect.objectContaining({
        code: 'name-collision',
        status: 1,
        details: {
          packageId: 'pkg-1',
          collisions: [{ names: ['a.pdf', 'A.pdf'] }, { names: ['seal.jwt'], sidecar: 'seal.jwt' }],
        },
      }),
    )
  })
})
