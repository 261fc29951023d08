import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newPrivateJwk } from '#local/keys.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { registerParticipant, uniqueId } from '../support/exchange-client.js'
import { exchangeInProcess, exchangeProcess } from './run-exchange.js'

describe('exchange participants list', () => {
  let scratch: string
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-participants-list')
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('lists every participant, the admin first, as a table', async () => {
    const home = await registerParticipant(['home'])
    const run = await exchangeProcess(['participants', 'list'], { env: await partnerEnv(home, scratch) })
    expect(run.code).toBe(0)
    expect(run.stderr).toEqual([])
    const [header, first, ...rows] = run.stdout.trimEnd().split('\n')
    expect(header?.split(/ +/)).toEqual(['id', 'name', 'kind', 'roles', 'status'])
    expect(first?.split(/ {2,}/)).toEqual([
      'admin',
      expect.any(String),
      expect.any(String),
      'admin',
      'active',
    ])
    expect(rows.find((row) => row.startsWith(`${home.id} `))?.split(/ {2,}/)).toEqual([
      home.id,
      'Test district',
      'district',
      'home',
      'active',
    ])
  })

  it('prints the participants as the exchange describes them with --json', async () => {
    const home = await registerParticipant(['home'])
    const run = await exchangeInProcess(['participants', 'list', '--json'], await partnerEnv(home, scratch))
    const { participants } = JSON.parse(run.stdout)
    expect(participants[0].id).toBe('admin')
    expect(participants.find((participant: { id: string }) => participant.id === home.id)).toMatchObject({
      roles: ['home'],
      status: 'active',
      version: 1,
    })
  })

  it('ends an unregistered caller with unauthenticated, exit 1', async () => {
    const stranger = { id: uniqueId('p'), jwk: await newPrivateJwk() }
    const run = await exchangeInProcess(
      ['participants', 'list', '--json'],
      await partnerEnv(stranger, scratch),
    )
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'unauthenticated', status: 401 })
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: 401 unauthenticated: /)])
  })
})
