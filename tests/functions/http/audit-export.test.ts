import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkpointEverything } from '../../support/audit-checkpoints.js'
import { submitCase } from '../../support/case-flows.js'
import {
  type Caller,
  call,
  exchange,
  expectProblem,
  mintToken,
  registerParticipant,
} from '../../support/exchange-client.js'
import { handoffSetting } from '../../support/handoff-fixtures.js'

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))

/** Runs `exchange audit verify` as a person would, in a process of its own with no exchange to reach. */
const verifyWithCli = async (...args: string[]) => {
  const run = await promisify(execFile)('npx', ['tsx', 'cli/exchange.ts', 'audit', 'verify', ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  )
  return run
}

/** Fetches every part of an export, following `x-next-cursor`, as a partner's client would. */
const fetchExport = async (as: Caller, window: Record<string, string> = {}) => {
  let text = ''
  let cursor: string | undefined
  const parts: Response[] = []
  do {
    const query = new URLSearchParams({ ...window, ...(cursor === undefined ? {} : { cursor }) })
    const response = await fetch(`${exchange.url}/v1/audit/export?${query}`, {
      headers: { authorization: `Bearer ${await mintToken(as)}` },
    })
    if (response.status !== 200)
      throw new Error(`export answered ${response.status}: ${await response.text()}`)
    parts.push(response)
    text += await response.text()
    cursor = response.headers.get('x-next-cursor') ?? undefined
  } while (cursor !== undefined)
  return { text, parts }
}

describe('GET /v1/audit/export', () => {
  let auditor: Caller
  let scratch: string
  const startedAt = new Date(Date.now() - 60_000).toISOString()
  beforeAll(async () => {
    auditor = await registerParticipant(['auditor'])
    const setting = await handoffSetting()
    await submitCase(setting)
    await submitCase(setting)
    await checkpointEverything()
    await submitCase(setting)
    await checkpointEverything()
    scratch = await mkdtemp(join(tmpdir(), 'audit-export-'))
  }, 120_000)
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('exports the whole log as NDJSON that the CLI verifies offline', async () => {
    const { text, parts } = await fetchExport(auditor)
    expect(parts[0]?.headers.get('content-type')).toBe('application/x-ndjson')
    const lines = text.trimEnd().split('\n')
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      type: 'header',
      format: 'exchange-audit-export/1',
      exchangeId: exchange.exchangeId,
      scope: 'whole',
    })
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ type: 'end' })
    const file = join(scratch, 'whole.ndjson')
    await writeFile(file, text)
    const jwks = join(scratch, 'jwks.json')
    await writeFile(jwks, JSON.stringify((await call('GET', '/.well-known/jwks.json')).body))
    const verified = await verifyWithCli(file, '--keys', jwks, '--json')
    expect(verified.code, verified.stdout).toBe(0)
    const summary = JSON.parse(verified.stdout)
    expect(summary).toMatchObject({ valid: true, scope: 'whole', exchangeId: exchange.exchangeId })
    expect(summary.events).toBe(summary.treeSize)
    expect(summary.events).toBeGreaterThan(0)
  }, 120_000)

  it('exports a window with inclusion proofs, and the CLI names the line of an altered event', async () => {
    const { text } = await fetchExport(auditor, { from: startedAt, to: new Date().toISOString() })
    const lines = text.trimEnd().split('\n')
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ scope: 'window', from: startedAt })
    const types = lines.map((line) => JSON.parse(line).type)
    expect(types.filter((type) => type === 'proof').length).toBe(
      types.filter((type) => type === 'event').length,
    )
    const file = join(scratch, 'window.ndjson')
    await writeFile(file, text)
    const valid = await verifyWithCli(file)
    expect(valid.code, valid.stdout).toBe(0)
    expect(valid.stdout).toMatch(/^valid: window export/)
    const index = types.indexOf('event')
    const { event } = JSON.parse(lines[index] ?? '{}')
    lines[index] = JSON.stringify({ type: 'event', event: { ...event, action: `${event.action}x` } })
    await writeFile(file, `${lines.join('\n')}\n`)
    const altered = await verifyWithCli(file)
    expect(altered.code).toBe(1)
    expect(altered.stdout).toContain(`line ${index + 1} (event ${event.eventId}): hash-mismatch`)
  }, 120_000)

  it('answers 403 to anyone but an auditor', async () => {
    const partner = await registerParticipant(['accepting', 'home'])
    expectProblem(await call('GET', '/v1/audit/export', { as: partner }), 403, 'forbidden')
  })

  it('refuses a window whose from is after its to, and an edited cursor', async () => {
    const backwards = await call(
      'GET',
      '/v1/audit/export?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z',
      {
        as: auditor,
      },
    )
    expectProblem(backwards, 422, 'validation-failed')
    const edited = await call('GET', '/v1/audit/export?cursor=eyJwIjp7fSwiZCI6IngifQ', { as: auditor })
    expectProblem(edited, 422, 'validation-failed')
  })
})
