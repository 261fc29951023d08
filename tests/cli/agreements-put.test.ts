import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../cli/command.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { admin, call, registerParticipant, uniqueId } from '../support/exchange-client.js'
import { exchangeInProcess, exchangeProcess } from './run-exchange.js'

describe('exchange agreements put', () => {
  let scratch: string
  let adminEnv: Env
  let parties: string[]
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-agreements-put')
    adminEnv = await partnerEnv(admin, scratch)
    parties = (await Promise.all([registerParticipant(['accepting']), registerParticipant(['home'])])).map(
      (party) => party.id,
    )
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  const agreementFile = async (name: string, text: string) => {
    const path = join(scratch, name)
    await writeFile(path, text)
    return path
  }

  it('records an agreement from YAML, then tells a revision from a write that changes nothing', async () => {
    const id = uniqueId('agreement')
    const yaml = await agreementFile(
      `${id}.yml`,
      `parties:\n${parties.map((party) => `  - ${party}\n`).join('')}items: ["*"]\nvalidFrom: 2026-01-01T00:00:00+08:00\n`,
    )
    const created = await exchangeInProcess(['agreements', 'put', id, '--file', yaml], adminEnv)
    expect(created.code).toBe(0)
    expect(created.stdout).toBe(`created agreement ${id}: 2 parties, version 1\n`)
    const again = await exchangeInProcess(['agreements', 'put', id, '--file', yaml, '--json'], adminEnv)
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'unchanged', agreement: { id, version: 1 } })

    const json = await agreementFile(
      `${id}.json`,
      JSON.stringify({
        parties,
        items: ['*'],
        validFrom: '2026-01-01T00:00:00+08:00',
        validUntil: '2027-01-01T00:00:00+08:00',
      }),
    )
    const revised = await exchangeInProcess(['agreements', 'put', id, '--file', json, '--json'], adminEnv)
    expect(JSON.parse(revised.stdout)).toMatchObject({ outcome: 'updated', agreement: { version: 2 } })
    expect((await call('GET', `/v1/agreements/${id}`, { as: admin })).body).toMatchObject({
      parties,
      items: ['*'],
      validUntil: '2027-01-01T00:00:00+08:00',
    })
  })

  it('refuses a participant other than the admin with forbidden: one line, exit 1', async () => {
    const window = await registerParticipant(['accepting'])
    const json = await agreementFile(
      'forbidden.json',
      JSON.stringify({ parties, items: ['*'], validFrom: '2026-01-01T00:00:00+08:00' }),
    )
    const run = await exchangeProcess(['agreements', 'put', uniqueId('agreement'), '--file', json], {
      env: await partnerEnv(window, scratch),
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: 403 forbidden: /)])
  })

  it('refuses an agreement the exchange finds invalid, naming each field', async () => {
    const json = await agreementFile(
      'alone.json',
      JSON.stringify({ parties: parties.slice(0, 1), items: [], validFrom: '2026-01-01' }),
    )
    const run = await exchangeInProcess(
      ['agreements', 'put', uniqueId('agreement'), '--file', json, '--json'],
      adminEnv,
    )
    expect(run.code).toBe(1)
    const { error } = JSON.parse(run.stdout)
    expect(error.code).toBe('validation-failed')
    expect(error.errors.map((field: { path: string }) => field.path)).toEqual(
      expect.arrayContaining(['/parties', '/validFrom']),
    )
  })

  it('refuses a file it cannot read, before any call', async () => {
    const run = await exchangeInProcess(
      ['agreements', 'put', uniqueId('agreement'), '--file', join(scratch, 'missing.json'), '--json'],
      { ...adminEnv, EXCHANGE_URL: 'http://127.0.0.1:9' },
    )
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).error.code).toBe('file-unreadable')
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: cannot read \S+missing\.json \(ENOENT\)$/)])
  })
})
