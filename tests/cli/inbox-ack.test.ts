import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../cli/command.js'
import { partnerEnv, scratchFolder, submittedCase } from '../support/cli-partners.js'
import type { Caller } from '../support/exchange-client.js'
import { handoffSetting } from '../support/handoff-fixtures.js'
import { exchangeInProcess as exchange } from './run-exchange.js'

describe('exchange inbox ack', () => {
  let scratch: string
  let home: Env
  beforeAll(async () => {
    const setting = await handoffSetting()
    scratch = await scratchFolder('exchange-inbox-ack')
    home = await partnerEnv(setting.homes[0] as Caller, scratch)
    await submittedCase(setting)
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('removes a message by its lease, and counts a second ack of it as stale', async () => {
    const [message] = JSON.parse((await exchange(['inbox', 'pull', '--json'], home)).stdout).messages
    const first = await exchange(['inbox', 'ack', '--lease', message.lease], home)
    expect(first.stdout).toBe('acked 1, stale 0\n')
    const again = await exchange(['inbox', 'ack', '--lease', message.lease, '--json'], home)
    expect(JSON.parse(again.stdout)).toEqual({ acked: 0, stale: 1 })
  })

  it('needs at least one lease', async () => {
    const run = await exchange(['inbox', 'ack', '--json'], home)
    expect({ code: run.code, error: JSON.parse(run.stdout).error.code }).toEqual({
      code: 2,
      error: 'no-lease',
    })
  })
})
