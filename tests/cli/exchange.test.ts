import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syntheticLog } from '../support/synthetic-audit-log.js'
import { exchangeProcess as exchange, repoRoot } from './run-exchange.js'

describe('exchange', () => {
  it('runs as npx exchange and as npm run exchange', async () => {
    const bin = await exchange(['--help'])
    expect(bin.code).toBe(0)
    expect(bin.stdout).toMatch(/^usage: exchange <group> <command>/)
    const script = await promisify(execFile)('npm', ['run', '--silent', 'exchange', '--', '--help'], {
      cwd: repoRoot,
    })
    expect(script.stdout).toBe(bin.stdout)
  })

  it('fails with one line on stderr, no stack trace, and one JSON document on stdout with --json', async () => {
    const run = await exchange(['cases', 'check', join(tmpdir(), 'exchange-no-such-case-folder'), '--json'])
    expect(run.code).toBe(1)
    expect(run.stderr).toEqual([
      expect.stringMatching(/^exchange: cannot read the case folder .* \(ENOENT\)$/),
    ])
    expect(JSON.parse(run.stdout).error.code).toBe('not-a-folder')
  })
})

describe('exchange audit verify', () => {
  let scratch: string
  let valid: string
  let altered: string
  let alteredLine: number
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'exchange-cli-'))
    const log = await syntheticLog({ events: 120, stepMs: 60_000 })
    const text = await log.exportText()
    valid = join(scratch, 'valid.ndjson')
    await writeFile(valid, text)
    const lines = text.trimEnd().split('\n')
    alteredLine = lines.findIndex((line) => line.startsWith('{"type":"event"')) + 5
    lines[alteredLine - 1] = (lines[alteredLine - 1] ?? '').replace('"action":"', '"action":"x')
    lines.splice(-1)
    altered = join(scratch, 'altered.ndjson')
    await writeFile(altered, `${lines.join('\n')}\n`)
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('exits 0 with a summary for a valid export', async () => {
    const run = await exchange(['audit', 'verify', valid])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^valid: whole export of exchange-test/)
    expect(run.stdout).toContain('120 events')
  })

  it('exits 1 with one line per problem, each naming where it is', async () => {
    const run = await exchange(['audit', 'verify', altered])
    expect(run.code).toBe(1)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^export: truncated: /)
    expect(lines[1]).toMatch(new RegExp(`^line ${alteredLine} \\(event [0-9a-f-]+\\): hash-mismatch: `))
    expect(lines.at(-1)).toMatch(/^INVALID: 2 problems/)
    const json = await exchange(['audit', 'verify', altered, '--json'])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout).problems.map((problem: { code: string }) => problem.code)).toEqual([
      'truncated',
      'hash-mismatch',
    ])
  })

  it('exits 2 for what it cannot use', async () => {
    expect((await exchange([])).code).toBe(2)
    expect((await exchange(['audit', 'sign'])).code).toBe(2)
    expect((await exchange(['audit', 'verify'])).code).toBe(2)
    expect((await exchange(['audit', 'verify', join(scratch, 'missing.ndjson')])).code).toBe(2)
    expect((await exchange(['audit', 'verify', valid, '--colour'])).code).toBe(2)
  })
})
