import { createHash } from 'node:crypto'
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../cli/command.js'
import { partnerEnv, scratchFolder, submittedCase } from '../support/cli-partners.js'
import { type Caller, registerParticipant } from '../support/exchange-client.js'
import { handoffSetting } from '../support/handoff-fixtures.js'
import { exchangeInProcess as exchange } from './run-exchange.js'

describe('exchange packages download', () => {
  let scratch: string
  let home: Env
  let caseId: string
  let setting: Awaited<ReturnType<typeof handoffSetting>>
  beforeAll(async () => {
    setting = await handoffSetting()
    scratch = await scratchFolder('exchange-download')
    home = await partnerEnv(setting.homes[0] as Caller, scratch)
    caseId = (await submittedCase(setting)).caseId
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('writes every document of every package, with its manifest and seal, each hash checked', async () => {
    const out = join(scratch, 'received')
    const run = await exchange(['packages', 'download', caseId, '--out', out, '--json'], home)
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout)
    const [packageId] = result.packages
    expect((await readdir(join(out, packageId))).sort()).toEqual([
      'form.pdf',
      'licence.pdf',
      'manifest.jwt',
      'seal.jwt',
    ])
    const listed = JSON.parse((await exchange(['cases', 'show', caseId, '--json'], home)).stdout)
    expect(listed.applicationPackageId).toBe(packageId)
    const form = await readFile(join(out, packageId, 'form.pdf'))
    expect(form.length).toBe(2048)
    expect(createHash('sha256').update(form).digest('hex')).toMatch(/^[0-9a-f]{64}$/)

    const again = JSON.parse(
      (await exchange(['packages', 'download', caseId, '--out', out, '--json'], home)).stdout,
    )
    expect(again.files.map((file: { skipped: boolean }) => file.skipped)).toEqual([true, true])
  })

  it('refuses a package whose documents differ only in letter case as name-collision, writing nothing', async () => {
    const out = join(scratch, 'colliding')
    const colliding = await submittedCase(setting, ['a.pdf', 'A.pdf'])
    const run = await exchange(['packages', 'download', colliding.caseId, '--out', out, '--json'], home)
    expect({ code: run.code, error: JSON.parse(run.stdout).error }).toEqual({
      code: 1,
      error: expect.objectContaining({ code: 'name-collision', collisions: [{ names: ['a.pdf', 'A.pdf'] }] }),
    })
    expect(run.stderr).toHaveLength(1)
    await expect(readdir(out)).rejects.toThrow()
  })

  it('answers a stranger not-found and writes nothing', async () => {
    const out = join(scratch, 'stranger')
    const stranger = await partnerEnv(await registerParticipant(['home']), scratch)
    const run = await exchange(['packages', 'download', caseId, '--out', out, '--json'], stranger)
    expect({ code: run.code, error: JSON.parse(run.stdout).error.code }).toEqual({
      code: 1,
      error: 'not-found',
    })
    await expect(readdir(out)).rejects.toThrow()
  })
})
