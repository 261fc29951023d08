import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../cli/command.js'
import { partnerEnv, scratchFolder, submittedCase } from '../support/cli-partners.js'
import type { Caller } from '../support/exchange-client.js'
import { handoffSetting } from '../support/handoff-fixtures.js'
import { exchangeInProcess as exchange } from './run-exchange.js'

describe('exchange inbox pull', () => {
  let scratch: string
  let home: Env
  let caseId: string
  beforeAll(async () => {
    const setting = await handoffSetting()
    scratch = await scratchFolder('exchange-inbox-pull')
    home = await partnerEnv(setting.homes[0] as Caller, scratch)
    caseId = (await submittedCase(setting)).caseId
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('leases waiting messages and shows each with its lease', async () => {
    const run = await exchange(['inbox', 'pull', '--lease', '10'], home)
    expect(run.code).toBe(0)
    const [header, row] = run.stdout.split('\n')
    expect(header?.split(/\s+/)).toEqual(['type', 'case', 'home', 'version', 'delivery', 'created', 'lease'])
    expect(row).toMatch(new RegExp(`^case\\.submitted\\s+${caseId}\\s`))
  })

  it('acks what it printed with --ack, so the next pull finds nothing', async () => {
    await new Promise((resolve) => setTimeout(resolve, 10_500))
    const run = JSON.parse((await exchange(['inbox', 'pull', '--ack', '--json'], home)).stdout)
    expect(run).toMatchObject({ messages: [{ caseId, deliveryCount: 2 }], acked: { acked: 1, stale: 0 } })
    expect((await exchange(['inbox', 'pull'], home)).stdout).toBe('no messages waiting\n')
  })

  it.each(['ten', '0x10', '1e1'])('refuses a max of %s before calling the exchange', async (max) => {
    const run = await exchange(['inbox', 'pull', '--max', max, '--json'], home)
    expect({ code: run.code, error: JSON.parse(run.stdout).error.code }).toEqual({
      code: 2,
      error: 'bad-number',
    })
  })
})
