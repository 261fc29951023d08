import { createHash } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { sampleSubmission } from '#local/sample-handoff.js'
import { maxDocumentBytes } from '#shared/packages/upload.js'
import { type CaseFolderProblem, readCaseFolder, readDocumentFolder } from '../../cli/case-folder.js'
import { CommandError } from '../../cli/command-error.js'

const { manifest: _manifest, ...description } = sampleSubmission({
  acceptingRef: 'GX-2026-000123',
  itemCode: '610100-tax-registration-change',
  homes: ['xian-qujiang'],
  manifest: '',
})

let scratch: string
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'exchange-case-folder-'))
})
afterAll(() => rm(scratch, { recursive: true, force: true }))

/** A fresh folder holding `files` (name → content). */
const folder = async (files: Record<string, string>) => {
  const dir = await mkdtemp(join(scratch, 'case-'))
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content)
  return dir
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** The problems `read` (readCaseFolder unless told) refuses `dir` with, as code and file (and pointer). */
const problemsOf = async (dir: string, read: (dir: string) => Promise<unknown> = readCaseFolder) => {
  const error = await read(dir).catch((caught: unknown) => caught)
  expect(error).toBeInstanceOf(CommandError)
  expect((error as CommandError).code).toBe(
    read === readCaseFolder ? 'case-folder-refused' : 'document-folder-refused',
  )
  const problems = (error as CommandError).details?.problems as CaseFolderProblem[]
  return problems.map(({ code, file, pointer }) =>
    pointer === undefined ? { code, file } : { code, file, pointer },
  )
}

/** Whether chmod 000 stops this process reading a file: not for root, which reads everything. */
const chmodStopsReads = await (async () => {
  const probe = join(tmpdir(), `exchange-chmod-probe-${process.pid}`)
  await writeFile(probe, 'x', { mode: 0o000 })
  const readable = await readFile(probe).then(
    () => true,
    () => false,
  )
  await rm(probe)
  return !readable
})()

describe('readCaseFolder', () => {
  it('reads a YAML description and every other file by name, hashed, leaving dotfiles out', async () => {
    const dir = await folder({
      'case.yaml': stringify(description),
      'b-licence.PDF': 'licence scan',
      'a-form.ofd': 'form',
      'photo.jpeg': 'photo',
      '.exchange-submission.json': '{}',
    })
    await mkdir(join(dir, 'originals'))
    const read = await readCaseFolder(dir)
    expect(read.submission).toEqual(description)
    expect(read.files).toEqual([
      {
        path: join(dir, 'a-form.ofd'),
        name: 'a-form.ofd',
        contentType: 'application/ofd',
        size: 4,
        sha256: sha256('form'),
      },
      {
        path: join(dir, 'b-licence.PDF'),
        name: 'b-licence.PDF',
        contentType: 'application/pdf',
        size: 12,
        sha256: sha256('licence scan'),
      },
      {
        path: join(dir, 'photo.jpeg'),
        name: 'photo.jpeg',
        contentType: 'image/jpeg',
        size: 5,
        sha256: sha256('photo'),
      },
    ])
  })

  it('sends only the documents a JSON description lists, in its order, with materials and types', async () => {
    const dir = await folder({
      'case.json': JSON.stringify({
        ...description,
        documents: [
          { file: 'licence.tif', material: 'licence' },
          { file: 'form.dat', material: 'form', contentType: 'application/vnd.example' },
        ],
      }),
      'form.dat': 'form',
      'licence.tif': 'licence',
      'notes.docx': 'not sent',
    })
    const { files } = await readCaseFolder(dir)
    expect(files.map(({ name, contentType, material }) => ({ name, contentType, material }))).toEqual([
      { name: 'licence.tif', contentType: 'image/tiff', material: 'licence' },
      { name: 'form.dat', contentType: 'application/vnd.example', material: 'form' },
    ])
  })

  it('refuses with every problem of the description and the files at once', async () => {
    const outside = join(scratch, 'outside.pdf')
    await writeFile(outside, 'not in the folder')
    const dir = await folder({
      'case.yml': stringify({
        ...description,
        homes: ['xian-qujiang', 'xian-beilin'],
        applicant: { ...description.applicant, idNumber: '110105194912310021' },
        manifest: 'a.b.c',
      }),
      'empty.pdf': '',
      'notes.docx': 'unknown type',
      'huge.pdf': '',
      'fine.pdf': 'fine',
    })
    await truncate(join(dir, 'huge.pdf'), maxDocumentBytes + 1)
    await symlink(outside, join(dir, 'escape.pdf'))
    await symlink(join(dir, 'fine.pdf'), join(dir, 'inside.pdf'))
    expect(await problemsOf(dir)).toEqual([
      { code: 'description-invalid', file: 'case.yml', pointer: '/applicant/idNumber' },
      { code: 'description-invalid', file: 'case.yml', pointer: '/' },
      { code: 'description-invalid', file: 'case.yml', pointer: '/homes' },
      { code: 'empty', file: 'empty.pdf' },
      { code: 'symlink-escapes', file: 'escape.pdf' },
      { code: 'too-large', file: 'huge.pdf' },
      { code: 'unknown-type', file: 'notes.docx' },
    ])
  })

  it('carries over the submission refinements: a proxy case has exactly one home', async () => {
    const dir = await folder({
      'case.json': JSON.stringify({ ...description, homes: ['xian-qujiang', 'xian-beilin'] }),
      'form.pdf': 'form',
    })
    expect(await problemsOf(dir)).toEqual([
      { code: 'description-invalid', file: 'case.json', pointer: '/homes' },
    ])
  })

  it('refuses documents that are missing, listed twice or not files', async () => {
    const dir = await folder({
      'case.json': JSON.stringify({
        ...description,
        documents: [{ file: 'form.pdf' }, { file: 'form.pdf' }, { file: 'gone.pdf' }, { file: 'scans' }],
      }),
      'form.pdf': 'form',
    })
    await mkdir(join(dir, 'scans'))
    expect(await problemsOf(dir)).toEqual([
      { code: 'duplicate', file: 'form.pdf' },
      { code: 'missing', file: 'gone.pdf' },
      { code: 'not-a-file', file: 'scans' },
    ])
  })

  it('refuses a folder without documents, or with more than 50', async () => {
    expect(await problemsOf(await folder({ 'case.json': JSON.stringify(description) }))).toEqual([
      { code: 'no-files', file: expect.any(String) },
    ])
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`page-${index}.png`, 'page']))
    expect(await problemsOf(await folder({ 'case.json': JSON.stringify(description), ...many }))).toEqual([
      { code: 'too-many-files', file: expect.any(String) },
    ])
  })

  it('refuses a description that is missing, doubled or not YAML, still checking the files', async () => {
    expect(await problemsOf(await folder({ 'notes.docx': 'x' }))).toEqual([
      { code: 'description-missing', file: 'case.json' },
      { code: 'unknown-type', file: 'notes.docx' },
    ])
    const doubled = await folder({ 'case.json': '{}', 'case.yaml': 'a: 1', 'form.pdf': 'x' })
    expect(await problemsOf(doubled)).toEqual([{ code: 'description-ambiguous', file: 'case.json' }])
    const broken = await folder({ 'case.yaml': 'mode: [proxy', 'form.pdf': 'x' })
    expect(await problemsOf(broken)).toEqual([{ code: 'description-syntax', file: 'case.yaml' }])
  })

  it.skipIf(!chmodStopsReads)(
    'refuses a file it may not read (skipped as root: chmod 000 does not stop root)',
    async () => {
      const dir = await folder({ 'case.json': JSON.stringify(description), 'form.pdf': 'form' })
      await chmod(join(dir, 'form.pdf'), 0o000)
      expect(await problemsOf(dir)).toEqual([{ code: 'unreadable', file: 'form.pdf' }])
    },
  )

  it('refuses a folder that is not there', async () => {
    const error = await readCaseFolder(join(scratch, 'missing')).catch((caught: unknown) => caught)
    expect((error as CommandError).code).toBe('not-a-folder')
  })
})

describe('readDocumentFolder', () => {
  it('reads every file but dotfiles, by name, without a description', async () => {
    const dir = await folder({
      'result.ofd': 'decision',
      'case.json': '{}',
      '.exchange-submission.json': '{}',
    })
    expect(await readDocumentFolder(dir)).toEqual([
      {
        path: join(dir, 'case.json'),
        name: 'case.json',
        contentType: 'application/json',
        size: 2,
        sha256: sha256('{}'),
      },
      {
        path: join(dir, 'result.ofd'),
        name: 'result.ofd',
        contentType: 'application/ofd',
        size: 8,
        sha256: sha256('decision'),
      },
    ])
  })

  it('refuses an empty folder and files it cannot send, all at once', async () => {
    expect(await problemsOf(await folder({ '.hidden': 'x' }), readDocumentFolder)).toEqual([
      { code: 'no-files', file: expect.any(String) },
    ])
    expect(await problemsOf(await folder({ 'a.pdf': '', 'b.docx': 'x' }), readDocumentFolder)).toEqual([
      { code: 'empty', file: 'a.pdf' },
      { code: 'unknown-type', file: 'b.docx' },
    ])
  })
})
