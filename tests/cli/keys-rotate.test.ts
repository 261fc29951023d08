import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newPrivateJwk, publicJwkOf } from '#local/keys.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { registerParticipant } from '../support/exchange-client.js'
import { exchangeInProcess, exchangeProcess } from './run-exchange.js'

describe('exchange keys rotate', () => {
  let scratch: string
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-rotate')
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  const jwksFile = async (name: string, keys: JWK[]) => {
    const path = join(scratch, name)
    await writeFile(path, JSON.stringify({ keys }))
    return path
  }

  it('replaces the keys: the new key signs, the retired one no longer does', async () => {
    const home = await registerParticipant(['home'])
    const next = await newPrivateJwk('EdDSA')
    const oldEnv = await partnerEnv(home, scratch)
    const jwks = await jwksFile(`${home.id}-jwks.json`, [publicJwkOf(next)])
    const run = await exchangeInProcess(['keys', 'rotate', '--jwks', jwks], oldEnv)
    expect(run.code).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe(`rotated the keys of ${home.id}`)
    expect(lines).toContain(`keys     ${next.kid} (EdDSA)`)
    expect(lines.at(-1)).toBe(
      `the key you signed with (${home.jwk.kid}) is no longer registered: sign with a new one`,
    )

    const withOld = await exchangeInProcess(['participants', 'show', home.id, '--json'], oldEnv)
    expect(JSON.parse(withOld.stdout).error.code).toBe('unauthenticated')
    const withNew = await exchangeInProcess(
      ['participants', 'show', home.id, '--json'],
      await partnerEnv({ id: home.id, jwk: next }, await mkdtemp(join(scratch, 'next-'))),
    )
    expect(withNew.code).toBe(0)
    expect(JSON.parse(withNew.stdout).jwks.keys.map((key: JWK) => key.kid)).toEqual([next.kid])
  })

  it('keeps the current key working while it stays in the new set', async () => {
    const home = await registerParticipant(['home'])
    const next = await newPrivateJwk()
    const jwks = await jwksFile(`${home.id}-both.json`, [publicJwkOf(home.jwk), publicJwkOf(next)])
    const env = await partnerEnv(home, scratch)
    const run = await exchangeInProcess(['keys', 'rotate', '--jwks', jwks, '--json'], env)
    expect(JSON.parse(run.stdout)).toMatchObject({ id: home.id, version: 2 })
    expect(run.stdout).not.toContain('no longer registered')
    expect((await exchangeInProcess(['participants', 'show', home.id], env)).code).toBe(0)
  })

  it('refuses a JWKS holding a private key before any call, in one line', async () => {
    const home = await registerParticipant(['home'])
    const jwks = await jwksFile(`${home.id}-leaked.json`, [await newPrivateJwk()])
    const run = await exchangeProcess(['keys', 'rotate', '--jwks', jwks], {
      env: { ...(await partnerEnv(home, scratch)), EXCHANGE_URL: 'http://127.0.0.1:9' },
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toEqual([
      `exchange: ${jwks} holds private key material (/keys/0/d): pass the public JWKS, as keys generate writes it to <id>-jwks.json`,
    ])
  })

  it('refuses the private key file itself, passed by mistake', async () => {
    const home = await registerParticipant(['home'])
    const env = await partnerEnv(home, scratch)
    const run = await exchangeInProcess(['keys', 'rotate', '--jwks', env.EXCHANGE_KEY ?? '', '--json'], {
      ...env,
      EXCHANGE_URL: 'http://127.0.0.1:9',
    })
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).error.code).toBe('jwks-private')
  })

  it('refuses a JWKS that is not one, naming each field, before any call', async () => {
    const home = await registerParticipant(['home'])
    const jwks = await jwksFile(`${home.id}-broken.json`, [{ kty: 'EC', crv: 'P-256', kid: 'k' }])
    const run = await exchangeInProcess(['keys', 'rotate', '--jwks', jwks, '--json'], {
      ...(await partnerEnv(home, scratch)),
      EXCHANGE_URL: 'http://127.0.0.1:9',
    })
    expect(run.code).toBe(1)
    const { error } = JSON.parse(run.stdout)
    expect(error.code).toBe('jwks-invalid')
    expect(error.errors.map((field: { path: string }) => field.path)).toEqual(['/keys/0/x', '/keys/0/y'])
  })
})
