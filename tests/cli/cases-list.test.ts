import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../cli/command.js'
import { partnerEnv, scratchFolder, submittedCase } from '../support/cli-partners.js'
import type { Caller } from '../support/exchange-client.js'
import { handoffSetting } from '../support/handoff-fixtures.js'
import { exchangeInProcess as exchange } from './run-exchange.js'

describe('exchange cases list', () => {
  let scratch: string
  let window: Env
  let home: Env
  let caseId: string
  beforeAll(async () => {
    const setting = await handoffSetting()
    scratch = await scratchFolder('exchange-cases-list')
    window = await partnerEnv(setting.accepting, scratch)
    home = await partnerEnv(setting.homes[0] as Caller, scratch)
    caseId = (await submittedCase(setting)).caseId
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('lists the cases a window submitted, one line per leg', async () => {
    const run = await exchange(['cases', 'list'], window)
    expect(run.code).toBe(0)
    const [header, row] = run.stdout.split('\n')
    expect(header?.split(/\s+/)).toEqual([
      'case',
      'reference',
      'item',
      'home',
      'status',
      'version',
      'deadline',
    ])
    expect(row).toContain(caseId)
    expect(row).toMatch(/submitted\s+1$/)
  })

  it('lists the legs handed to a home with --role home, and filters by status', async () => {
    const mine = JSON.parse((await exchange(['cases', 'list', '--role', 'home', '--json'], home)).stdout)
    expect(mine.cases.map((c: { caseId: string }) => c.caseId)).toEqual([caseId])
    const accepted = await exchange(['cases', 'list', '--role', 'home', '--status', 'accepted'], home)
    expect(accepted.stdout).toBe('no cases as home\n')
  })

  it('refuses a role or status the exchange does not know before calling it', async () => {
    expect((await exchange(['cases', 'list', '--role', 'auditor'], window)).code).toBe(2)
    const status = await exchange(['cases', 'list', '--status', 'lost', '--json'], window)
    expect({ code: status.code, error: JSON.parse(status.stdout).error.code }).toEqual({
      code: 2,
      error: 'bad-status',
    })
  })
})
