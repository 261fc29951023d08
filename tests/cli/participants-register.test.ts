import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newPrivateJwk, publicJwkOf } from '#local/keys.js'
import type { Env } from '../../cli/command.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { admin, registerParticipant, uniqueId } from '../support/exchange-client.js'
import { exchangeInProcess, exchangeProcess } from './run-exchange.js'

describe('exchange participants register', () => {
  let scratch: string
  let adminEnv: Env
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-register')
    adminEnv = await partnerEnv(admin, scratch)
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  /** A new key pair in files, as keys generate writes it: a kid is registered to one participant only. */
  const newKeyFiles = async () => {
    const jwk = await newPrivateJwk()
    const jwks = join(scratch, `${jwk.kid}-jwks.json`)
    await writeFile(jwks, JSON.stringify({ keys: [publicJwkOf(jwk)] }))
    const key = join(scratch, `${jwk.kid}-private-jwk.json`)
    await writeFile(key, JSON.stringify(jwk), { mode: 0o600 })
    return { jwks, key }
  }

  const description = (jwks: string) => [
    '--name',
    '雁塔区政务服务中心',
    '--kind',
    'district',
    '--roles',
    'accepting, home',
    '--jwks',
    jwks,
  ]
  const register = async (env: Env, id: string, ...more: string[]) =>
    exchangeInProcess(
      ['participants', 'register', id, ...description((await newKeyFiles()).jwks), ...more],
      env,
    )

  it('creates a participant, then tells an update from a write that changes nothing', async () => {
    const id = uniqueId('p')
    const { jwks } = await newKeyFiles()
    const write = (...more: string[]) =>
      exchangeInProcess(['participants', 'register', id, ...description(jwks), ...more], adminEnv)
    const created = await write('--division', '610113', '--parent', 'admin')
    expect(created.code).toBe(0)
    expect(created.stdout.split('\n').slice(0, 4)).toEqual([
      `created participant ${id}`,
      `id        ${id}`,
      'name      雁塔区政务服务中心',
      'kind      district',
    ])
    expect(created.stdout).toContain('roles     accepting, home\n')

    const unchanged = await write('--division', '610113', '--parent', 'admin', '--json')
    expect(JSON.parse(unchanged.stdout)).toMatchObject({
      outcome: 'unchanged',
      participant: { id, version: 1, divisionCode: '610113', parentId: 'admin', status: 'active' },
    })

    const updated = JSON.parse((await write('--json')).stdout)
    expect(updated).toMatchObject({ outcome: 'updated', participant: { id, version: 2 } })
    expect(updated.participant).not.toHaveProperty('divisionCode')
  })

  it('registers the keys of the JWKS file, so the participant signs with their private half', async () => {
    const id = uniqueId('p')
    const { jwks, key } = await newKeyFiles()
    expect(
      (await exchangeInProcess(['participants', 'register', id, ...description(jwks)], adminEnv)).code,
    ).toBe(0)
    const own = await exchangeInProcess(['participants', 'show', id, '--json'], {
      ...adminEnv,
      EXCHANGE_PARTICIPANT: id,
      EXCHANGE_KEY: key,
    })
    expect(own.code).toBe(0)
    expect(JSON.parse(own.stdout).roles).toEqual(['accepting', 'home'])
  })

  it('refuses a participant other than the admin with forbidden: one line, exit 1', async () => {
    const window = await registerParticipant(['accepting'])
    const { jwks } = await newKeyFiles()
    const run = await exchangeProcess(['participants', 'register', uniqueId('p'), ...description(jwks)], {
      env: await partnerEnv(window, scratch),
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: 403 forbidden: /)])
  })

  it('refuses a description the exchange finds invalid, naming each field', async () => {
    const run = await register(adminEnv, uniqueId('p'), '--kind', 'town', '--division', '6101', '--json')
    expect(run.code).toBe(1)
    const { error } = JSON.parse(run.stdout)
    expect(error).toMatchObject({ code: 'validation-failed', status: 422 })
    expect(error.errors.map((field: { path: string }) => field.path).sort()).toEqual([
      '/divisionCode',
      '/kind',
    ])
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: 422 validation-failed: .*\/kind: /)])
  })

  it('refuses a JWKS holding a private key before any call', async () => {
    const leaked = join(scratch, 'leaked-jwks.json')
    await writeFile(leaked, JSON.stringify({ keys: [await newPrivateJwk()] }))
    const unreachable = { ...adminEnv, EXCHANGE_URL: 'http://127.0.0.1:9' }
    const run = await exchangeInProcess(
      ['participants', 'register', uniqueId('p'), ...description(leaked), '--json'],
      unreachable,
    )
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).error.code).toBe('jwks-private')
    expect(run.stderr).toEqual([
      expect.stringMatching(/^exchange: \S+ holds private key material \(\/keys\/0\/d\): /),
    ])
  })

  it('exits 2 when a required option is missing', async () => {
    const run = await exchangeInProcess(
      [
        'participants',
        'register',
        uniqueId('p'),
        '--name',
        'x',
        '--roles',
        'home',
        '--jwks',
        'unread.json',
        '--json',
      ],
      adminEnv,
    )
    expect(run.code).toBe(2)
    expect(JSON.parse(run.stdout).error.code).toBe('missing-option')
    expect(run.stderr).toEqual(['exchange: --kind is required (see exchange participants register --help)'])
  })
})
