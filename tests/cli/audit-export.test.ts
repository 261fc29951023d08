import { access, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../cli/command.js'
import { checkpointEverything } from '../support/audit-checkpoints.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { registerParticipant } from '../support/exchange-client.js'
import { exchangeInProcess, exchangeProcess } from './run-exchange.js'

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  )

describe('exchange audit export', () => {
  let scratch: string
  let auditorEnv: Env
  let startedAt: string
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-audit-export')
    startedAt = new Date().toISOString()
    auditorEnv = await partnerEnv(await registerParticipant(['auditor']), scratch)
    await checkpointEverything()
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('writes the whole log into a file that audit verify accepts', async () => {
    const out = join(scratch, 'whole.ndjson')
    const run = await exchangeInProcess(['audit', 'export', '--out', out, '--json'], auditorEnv)
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({ file: out, parts: expect.any(Number) })
    expect(result.events).toBeGreaterThan(0)
    expect(result.checkpoints).toBeGreaterThan(0)
    expect(result.bytes).toBe((await readFile(out)).length)
    expect(await exists(`${out}.part`)).toBe(false)

    const verified = await exchangeProcess(['audit', 'verify', out, '--json'])
    expect(verified.code).toBe(0)
    expect(JSON.parse(verified.stdout)).toMatchObject({
      valid: true,
      scope: 'whole',
      events: result.events,
      checkpoints: result.checkpoints,
    })
  })

  it('writes a window of the log, and says how much it holds', async () => {
    const out = join(scratch, 'window.ndjson')
    const run = await exchangeInProcess(['audit', 'export', '--out', out, '--from', startedAt], auditorEnv)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      new RegExp(
        `^exported [\\d,]+ events and [\\d,]+ checkpoints to ${out} \\(.+\\)\ncheck it offline: exchange audit verify ${out}\n$`,
      ),
    )
    const verified = await exchangeInProcess(['audit', 'verify', out, '--json'])
    expect(verified.code).toBe(0)
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, scope: 'window', from: startedAt })
  })

  it('ends a caller that is not an auditor with forbidden, leaving no file: one line, exit 1', async () => {
    const out = join(scratch, 'refused.ndjson')
    const home = await registerParticipant(['home'])
    const run = await exchangeProcess(['audit', 'export', '--out', out], {
      env: await partnerEnv(home, scratch),
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: 403 forbidden: /)])
    expect(await exists(out)).toBe(false)
    expect(await exists(`${out}.part`)).toBe(false)
  })

  it('ends a file it cannot write with cannot-write', async () => {
    const out = join(scratch, 'missing-folder', 'export.ndjson')
    const run = await exchangeInProcess(['audit', 'export', '--out', out, '--json'], auditorEnv)
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).error.code).toBe('cannot-write')
  })
})
