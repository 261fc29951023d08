import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../cli/command.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { admin, call, registerParticipant } from '../support/exchange-client.js'
import { exchangeInProcess, exchangeProcess } from './run-exchange.js'

describe('exchange participants reinstate', () => {
  let scratch: string
  let adminEnv: Env
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-reinstate')
    adminEnv = await partnerEnv(admin, scratch)
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('reinstates a suspended participant, who is served again', async () => {
    const home = await registerParticipant(['home'])
    expect((await call('POST', `/v1/participants/${home.id}/suspend`, { as: admin })).status).toBe(200)
    const run = await exchangeInProcess(['participants', 'reinstate', home.id, '--json'], adminEnv)
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ id: home.id, status: 'active', version: 3 })

    const served = await exchangeInProcess(['participants', 'show', home.id], await partnerEnv(home, scratch))
    expect(served.code).toBe(0)
  })

  it('ends a participant other than the admin with forbidden: one line, exit 1', async () => {
    const home = await registerParticipant(['home'])
    const run = await exchangeProcess(['participants', 'reinstate', home.id], {
      env: await partnerEnv(home, scratch),
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: 403 forbidden: /)])
  })

  it('ends the configured admin with validation-failed, naming the id', async () => {
    const run = await exchangeInProcess(['participants', 'reinstate', 'admin', '--json'], adminEnv)
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).error).toMatchObject({
      code: 'validation-failed',
      errors: [expect.objectContaining({ path: '/params/id' })],
    })
  })
})
