import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { calculateJwkThumbprint } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PublicJwks } from '#shared/registry/jwks.js'
import { loadParticipantKey } from '../../cli/key-file.js'
import { exchangeInProcess as exchange } from './run-exchange.js'

let out: string
beforeEach(async () => {
  out = join(await mkdtemp(join(tmpdir(), 'exchange-keys-')), 'keys')
})
afterEach(() => rm(join(out, '..'), { recursive: true, force: true }))

const modeOf = async (path: string) => (await stat(path)).mode & 0o777

describe('exchange keys generate', () => {
  it.each(['ES256', 'EdDSA'])(
    'writes a %s private JWK with mode 0600 and its public JWKS with 0644',
    async (alg) => {
      const run = await exchange([
        'keys',
        'generate',
        '--participant',
        'xian-gaoxin',
        '--alg',
        alg,
        '--out',
        out,
        '--json',
      ])
      expect(run.code).toBe(0)
      expect(run.stderr).toEqual([])
      const result = JSON.parse(run.stdout)
      expect(result).toEqual({
        participant: 'xian-gaoxin',
        alg,
        kid: expect.any(String),
        privateKey: join(out, 'xian-gaoxin-private-jwk.json'),
        jwks: join(out, 'xian-gaoxin-jwks.json'),
      })
      expect(await modeOf(result.privateKey)).toBe(0o600)
      expect(await modeOf(result.jwks)).toBe(0o644)
      const key = await loadParticipantKey(result.privateKey, 'xian-gaoxin')
      expect(key.jwk.kid).toBe(await calculateJwkThumbprint(key.jwk))
      expect(key.jwk.kid).toBe(result.kid)
      const jwks = PublicJwks.parse(JSON.parse(await readFile(result.jwks, 'utf8')))
      expect(jwks.keys.map((publicKey) => publicKey.kid)).toEqual([result.kid])
    },
  )

  it('prints the paths and the kid for people', async () => {
    const run = await exchange(['keys', 'generate', '--out', out], { EXCHANGE_PARTICIPANT: 'nanjing' })
    expect(run.code).toBe(0)
    const kid = JSON.parse(await readFile(join(out, 'nanjing-private-jwk.json'), 'utf8')).kid
    expect(run.stdout.split('\n').slice(0, 3)).toEqual([
      `private key  ${join(out, 'nanjing-private-jwk.json')} (mode 0600: keep it secret, pass it as --key)`,
      `public JWKS  ${join(out, 'nanjing-jwks.json')} (the admin registers it, or you rotate to it)`,
      `kid          ${kid}`,
    ])
  })

  it('refuses to overwrite a key without --force, and replaces both files with it', async () => {
    const args = ['keys', 'generate', '--participant', 'xian-gaoxin', '--out', out, '--json']
    const first = JSON.parse((await exchange(args)).stdout)
    const kept = await readFile(first.privateKey, 'utf8')
    const again = await exchange(args)
    expect(again.code).toBe(1)
    expect(JSON.parse(again.stdout).error.code).toBe('key-file-exists')
    expect(await readFile(first.privateKey, 'utf8')).toBe(kept)
    const forced = JSON.parse((await exchange([...args, '--force'])).stdout)
    expect(forced.kid).not.toBe(first.kid)
    expect(await modeOf(forced.privateKey)).toBe(0o600)
    expect(JSON.parse(await readFile(forced.jwks, 'utf8')).keys[0].kid).toBe(forced.kid)
  })

  it.each([
    [['--out', 'x'], 'no-participant'],
    [['--participant', '../admin'], 'bad-participant'],
    [['--participant', 'xian-gaoxin', '--alg', 'RS256'], 'bad-alg'],
  ])('exits 2 for %j', async (argv, code) => {
    const run = await exchange(['keys', 'generate', ...argv, '--json'])
    expect(run.code).toBe(2)
    expect(JSON.parse(run.stdout).error.code).toBe(code)
  })
})
