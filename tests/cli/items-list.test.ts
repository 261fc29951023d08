import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newPrivateJwk } from '#local/keys.js'
import { sampleItem } from '#local/sample-handoff.js'
import { displayWidth } from '../../cli/table.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { admin, call, registerParticipant, uniqueId } from '../support/exchange-client.js'
import { exchangeInProcess, exchangeProcess } from './run-exchange.js'

describe('exchange items list', () => {
  let scratch: string
  let code: string
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-items-list')
    code = uniqueId('item')
    const put = await call('PUT', `/v1/items/${code}`, {
      as: admin,
      body: { ...sampleItem, name: '个体工商户设立登记', dayKind: 'calendar' },
    })
    expect(put.status).toBe(201)
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('lists the catalogue as a table, Chinese names lined up', async () => {
    const home = await registerParticipant(['home'])
    const run = await exchangeProcess(['items', 'list'], { env: await partnerEnv(home, scratch) })
    expect(run.code).toBe(0)
    const [header, ...rows] = run.stdout.trimEnd().split('\n')
    expect(header?.split(/ +/)).toEqual([
      'code',
      'name',
      'modes',
      'promised',
      'statutory',
      'days',
      'materials',
    ])
    const row = rows.find((line) => line.startsWith(`${code} `)) ?? ''
    expect(row.split(/ {2,}/)).toEqual([
      code,
      '个体工商户设立登记',
      'online,proxy,joint',
      '5',
      '10',
      'calendar',
      '2/3',
    ])
    // Right-aligned columns end where their heading ends, however wide the names before them.
    const statutoryEnd = (header ?? '').indexOf('statutory') + 'statutory'.length
    expect(displayWidth(row.slice(0, row.lastIndexOf(' 10 ') + 3))).toBe(statutoryEnd)
  })

  it('prints the items as the exchange describes them with --json', async () => {
    const home = await registerParticipant(['home'])
    const run = await exchangeInProcess(['items', 'list', '--json'], await partnerEnv(home, scratch))
    const { items } = JSON.parse(run.stdout)
    expect(items.find((item: { code: string }) => item.code === code)).toMatchObject({
      name: '个体工商户设立登记',
      version: 1,
    })
  })

  it('ends an unregistered caller with unauthenticated, exit 1', async () => {
    const stranger = { id: uniqueId('p'), jwk: await newPrivateJwk() }
    const run = await exchangeInProcess(['items', 'list'], await partnerEnv(stranger, scratch))
    expect(run.code).toBe(1)
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: 401 unauthenticated: /)])
  })
})
