import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { admin, call, registerParticipant, uniqueId } from '../support/exchange-client.js'
import { exchangeInProcess, exchangeProcess } from './run-exchange.js'

describe('exchange participants show', () => {
  let scratch: string
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-participants-show')
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('prints one participant a field a line, its keys by kid', async () => {
    const home = await registerParticipant(['home', 'accepting'])
    const run = await exchangeInProcess(['participants', 'show', home.id], await partnerEnv(admin, scratch))
    expect(run.code).toBe(0)
    expect(run.stdout.trimEnd().split('\n').slice(0, -1)).toEqual([
      `id       ${home.id}`,
      'name     Test district',
      'kind     district',
      'roles    home, accepting',
      'status   active',
      `keys     ${home.jwk.kid} (ES256)`,
    ])
    expect(run.stdout).toMatch(/\nversion {2}1, updated \S+\n$/)
  })

  it('prints the participant as the exchange answers it with --json', async () => {
    const home = await registerParticipant(['home'])
    const run = await exchangeInProcess(
      ['participants', 'show', home.id, '--json'],
      await partnerEnv(home, scratch),
    )
    expect(JSON.parse(run.stdout)).toEqual(
      (await call('GET', `/v1/participants/${home.id}`, { as: home })).body,
    )
  })

  it('ends an unknown participant with not-found: one line, exit 1', async () => {
    const run = await exchangeProcess(['participants', 'show', uniqueId('p')], {
      env: await partnerEnv(admin, scratch),
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: 404 not-found: /)])
  })
})
