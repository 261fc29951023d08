import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../cli/command.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { admin, registerParticipant } from '../support/exchange-client.js'
import { exchangeInProcess, exchangeProcess } from './run-exchange.js'

describe('exchange participants suspend', () => {
  let scratch: string
  let adminEnv: Env
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-suspend')
    adminEnv = await partnerEnv(admin, scratch)
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('suspends a participant, whose next request is refused as suspended', async () => {
    const home = await registerParticipant(['home'])
    const run = await exchangeInProcess(['participants', 'suspend', home.id], adminEnv)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`^suspended participant ${home.id}\n`))
    expect(run.stdout).toContain('\nstatus   suspended\n')

    const refused = await exchangeInProcess(
      ['participants', 'list', '--json'],
      await partnerEnv(home, scratch),
    )
    expect(refused.code).toBe(1)
    expect(JSON.parse(refused.stdout).error).toMatchObject({ code: 'suspended', status: 403 })
  })

  it('refuses a participant other than the admin with forbidden: one line, exit 1', async () => {
    const [home, other] = await Promise.all([registerParticipant(['home']), registerParticipant(['home'])])
    const run = await exchangeProcess(['participants', 'suspend', other.id], {
      env: await partnerEnv(home, scratch),
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: 403 forbidden: /)])
  })
})
