import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newPrivateJwk } from '#local/keys.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { admin, call, registerParticipant, uniqueId } from '../support/exchange-client.js'
import { exchangeInProcess, exchangeProcess } from './run-exchange.js'

describe('exchange agreements list', () => {
  let scratch: string
  let id: string
  let parties: string[]
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-agreements-list')
    parties = (await Promise.all([registerParticipant(['accepting']), registerParticipant(['home'])])).map(
      (party) => party.id,
    )
    id = uniqueId('agreement')
    const put = await call('PUT', `/v1/agreements/${id}`, {
      as: admin,
      body: { parties, items: ['*'], validFrom: '2026-01-01T00:00:00+08:00' },
    })
    expect(put.status).toBe(201)
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('lists the agreements as a table', async () => {
    const home = await registerParticipant(['home'])
    const run = await exchangeProcess(['agreements', 'list'], { env: await partnerEnv(home, scratch) })
    expect(run.code).toBe(0)
    const [header, ...rows] = run.stdout.trimEnd().split('\n')
    expect(header?.split(/ {2,}/)).toEqual(['id', 'parties', 'items', 'valid from', 'valid until'])
    expect(rows.find((row) => row.startsWith(`${id} `))?.split(/ {2,}/)).toEqual([
      id,
      parties.join(','),
      '*',
      '2026-01-01T00:00:00+08:00',
    ])
  })

  it('prints the agreements as the exchange describes them with --json', async () => {
    const home = await registerParticipant(['home'])
    const run = await exchangeInProcess(['agreements', 'list', '--json'], await partnerEnv(home, scratch))
    const { agreements } = JSON.parse(run.stdout)
    expect(agreements.find((agreement: { id: string }) => agreement.id === id)).toMatchObject({
      parties,
      items: ['*'],
      version: 1,
    })
  })

  it('ends an unregistered caller with unauthenticated, exit 1', async () => {
    const stranger = { id: uniqueId('p'), jwk: await newPrivateJwk() }
    const run = await exchangeInProcess(['agreements', 'list', '--json'], await partnerEnv(stranger, scratch))
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).error.code).toBe('unauthenticated')
  })
})
