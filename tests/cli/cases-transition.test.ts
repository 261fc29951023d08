import { randomBytes } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../cli/command.js'
import { partnerEnv, scratchFolder, submittedCase } from '../support/cli-partners.js'
import type { Caller } from '../support/exchange-client.js'
import { handoffSetting } from '../support/handoff-fixtures.js'
import { exchangeInProcess as exchange } from './run-exchange.js'

describe('exchange cases transition', () => {
  let scratch: string
  let window: Env
  let home: Env
  let files: string
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-transition')
    files = join(scratch, 'documents')
    await mkdir(files)
    await writeFile(join(files, '决定书.pdf'), randomBytes(3000))
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  const settle = async () => {
    const setting = await handoffSetting()
    window = await partnerEnv(setting.accepting, scratch)
    home = await partnerEnv(setting.homes[0] as Caller, scratch)
    return (await submittedCase(setting)).caseId
  }

  const step = async (env: Env, ...args: string[]) => {
    const run = await exchange(['cases', 'transition', ...args, '--json'], env)
    if (run.code !== 0) throw new Error(`${args.join(' ')} exited ${run.code}: ${run.stderr.join(' ')}`)
    return JSON.parse(run.stdout)
  }

  it('takes a case from intake to delivery, both sides at the latest version they read', async () => {
    const caseId = await settle()
    const intake = await exchange(['cases', 'transition', caseId, 'approve-intake'], home)
    expect(intake.stdout).toMatch(/^approve-intake: leg \S+ of \S+ is intake-approved, version 2\n/)
    expect(intake.stdout).toContain('proxy-receipt notice verified')
    expect((await step(home, caseId, 'accept')).leg).toMatchObject({
      status: 'accepted',
      deadline: expect.any(String),
    })
    const asked = await step(
      home,
      caseId,
      'request-supplement',
      '--missing',
      '委托书',
      '--missing',
      '身份证复印件',
    )
    expect(asked.leg).toMatchObject({ status: 'supplement-requested', missing: ['委托书', '身份证复印件'] })
    expect((await step(window, caseId, 'resubmit', '--files', files)).packageId).toEqual(expect.any(String))
    const approved = await step(home, caseId, 'approve', '--files', files)
    expect(approved).toMatchObject({ leg: { status: 'approved' }, packageId: expect.any(String) })
    const delivered = await step(window, caseId, 'deliver', '--reference', 'EMS-1001')
    expect(delivered.leg).toMatchObject({
      status: 'delivered',
      delivered: { method: 'electronic', reference: 'EMS-1001' },
    })
  })

  it('refuses a stale version with the exchange code, and leaves the leg as it was', async () => {
    const caseId = await settle()
    const run = await exchange(['cases', 'transition', caseId, 'accept', '--version', '5', '--json'], home)
    expect({ code: run.code, error: JSON.parse(run.stdout).error.code }).toEqual({
      code: 1,
      error: 'version-conflict',
    })
    const view = JSON.parse((await exchange(['cases', 'show', caseId, '--json'], home)).stdout)
    expect(view.legs[0]).toMatchObject({ status: 'submitted', version: 1 })
  })

  it('refuses unusable command lines before calling the exchange', async () => {
    const usage = async (...args: string[]) => {
      const run = await exchange(['cases', 'transition', ...args, '--json'], home)
      return { code: run.code, error: JSON.parse(run.stdout).error.code }
    }
    expect(await usage('case-x', 'approve')).toEqual({ code: 2, error: 'bad-files' })
    expect(await usage('case-x', 'accept', '--files', files)).toEqual({ code: 2, error: 'bad-files' })
    expect(await usage('case-x', 'finish')).toEqual({ code: 2, error: 'bad-action' })
    expect(await usage('case-x', 'deliver', '--delivered-by', 'pigeon')).toEqual({
      code: 2,
      error: 'bad-delivery',
    })
  })
})
