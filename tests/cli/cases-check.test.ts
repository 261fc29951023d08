import { execFileSync } from 'node:child_process'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sampleSubmission } from '#local/sample-handoff.js'
import { exchangeProcess as exchange } from './run-exchange.js'

const { manifest: _manifest, ...description } = sampleSubmission({
  acceptingRef: 'GX-2026-000123',
  itemCode: '610100-tax-registration-change',
  homes: ['xian-qujiang'],
  manifest: '',
})

/**
 * How to run the command line so that chmod 000 stops it reading: as is for a user; for root, which
 * reads everything, under setpriv without the capabilities that override file modes; undefined
 * when neither is possible.
 */
const unprivileged = (() => {
  if (process.getuid?.() !== 0) return []
  const setpriv = ['setpriv', '--bounding-set=-dac_override,-dac_read_search']
  try {
    execFileSync(setpriv[0] ?? '', [...setpriv.slice(1), 'true'])
    return setpriv
  } catch {
    return undefined
  }
})()

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'exchange-cases-check-'))
  await writeFile(join(dir, 'case.json'), JSON.stringify(description))
  await writeFile(join(dir, 'form.pdf'), 'form')
  await writeFile(join(dir, '营业执照.png'), 'licence')
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('exchange cases check', () => {
  it('lists what a submission would send and exits 0', async () => {
    const run = await exchange(['cases', 'check', dir])
    expect(run.code).toBe(0)
    expect(run.stdout.split('\n')).toEqual([
      'file          type             size  material  sha256',
      'form.pdf      application/pdf   4 B            07397d633f25',
      '营业执照.png  image/png         7 B            8178ac72b28d',
      'ready: 610100-tax-registration-change (proxy) to xian-qujiang, 2 documents, 11 B',
      '',
    ])
    const json = await exchange(['cases', 'check', dir, '--json'])
    expect(JSON.parse(json.stdout).files.map((file: { name: string }) => file.name)).toEqual([
      'form.pdf',
      '营业执照.png',
    ])
  })

  it.skipIf(unprivileged === undefined)(
    'refuses a file it may not read, in one line naming it, and exits 1',
    async () => {
      await chmod(join(dir, 'form.pdf'), 0o000)
      const run = await exchange(['cases', 'check', dir, '--json'], { command: unprivileged ?? [] })
      await chmod(join(dir, 'form.pdf'), 0o644)
      expect(run.code).toBe(1)
      expect(run.stderr).toEqual([
        expect.stringMatching(/^exchange: case folder .* 1 problem: form\.pdf: cannot be read \(EACCES\)$/),
      ])
      expect(JSON.parse(run.stdout).error.problems).toEqual([
        { code: 'unreadable', file: 'form.pdf', message: 'cannot be read (EACCES)' },
      ])
    },
  )
})
