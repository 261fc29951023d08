import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { sampleItem } from '#local/sample-handoff.js'
import type { Env } from '../../cli/command.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { admin, call, registerParticipant, uniqueId } from '../support/exchange-client.js'
import { exchangeInProcess, exchangeProcess } from './run-exchange.js'

describe('exchange items put', () => {
  let scratch: string
  let adminEnv: Env
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-items-put')
    adminEnv = await partnerEnv(admin, scratch)
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  const itemFile = async (name: string, text: string) => {
    const path = join(scratch, name)
    await writeFile(path, text)
    return path
  }

  it('puts an item from YAML, then tells a revision from JSON from a write that changes nothing', async () => {
    const code = uniqueId('item')
    const yaml = await itemFile(`${code}.yaml`, stringify({ ...sampleItem, name: '企业税务登记变更' }))
    const created = await exchangeInProcess(['items', 'put', code, '--file', yaml], adminEnv)
    expect(created.code).toBe(0)
    expect(created.stdout).toBe(`created item ${code}: 企业税务登记变更, version 1\n`)
    const unchanged = await exchangeInProcess(['items', 'put', code, '--file', yaml, '--json'], adminEnv)
    expect(JSON.parse(unchanged.stdout)).toMatchObject({ outcome: 'unchanged', item: { code, version: 1 } })

    const json = await itemFile(`${code}.json`, JSON.stringify({ ...sampleItem, promisedDays: 3 }))
    const revised = await exchangeInProcess(['items', 'put', code, '--file', json, '--json'], adminEnv)
    expect(JSON.parse(revised.stdout)).toMatchObject({
      outcome: 'updated',
      item: { version: 2, promisedDays: 3 },
    })
    expect((await call('GET', `/v1/items/${code}`, { as: admin })).body).toMatchObject({ promisedDays: 3 })
  })

  it('refuses a participant other than the admin with forbidden: one line, exit 1', async () => {
    const window = await registerParticipant(['accepting'])
    const json = await itemFile('forbidden.json', JSON.stringify(sampleItem))
    const run = await exchangeProcess(['items', 'put', uniqueId('item'), '--file', json], {
      env: await partnerEnv(window, scratch),
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: 403 forbidden: /)])
  })

  it('refuses an item the exchange finds invalid, naming the field', async () => {
    const json = await itemFile('late.json', JSON.stringify({ ...sampleItem, promisedDays: 20 }))
    const run = await exchangeInProcess(
      ['items', 'put', uniqueId('item'), '--file', json, '--json'],
      adminEnv,
    )
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).error).toMatchObject({
      code: 'validation-failed',
      errors: [{ path: '/promisedDays', message: 'promisedDays must not exceed statutoryDays' }],
    })
  })

  it('refuses a file that does not parse, naming it, before any call', async () => {
    const yaml = await itemFile('broken.yaml', 'name: [unclosed\n')
    const run = await exchangeInProcess(['items', 'put', uniqueId('item'), '--file', yaml, '--json'], {
      ...adminEnv,
      EXCHANGE_URL: 'http://127.0.0.1:9',
    })
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).error.code).toBe('file-syntax')
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: \S+broken\.yaml is not valid YAML: /)])
  })
})
