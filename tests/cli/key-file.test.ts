import { generateKeyPairSync } from 'node:crypto'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CommandError } from '../../cli/command-error.js'
import { loadParticipantKey } from '../../cli/key-file.js'
import { newSigningKey } from '../support/signing-keys.js'

let scratch: string
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'exchange-key-file-'))
})
afterAll(() => rm(scratch, { recursive: true, force: true }))

/** Writes `content` (JSON unless a string) to a fresh key file with `mode`, and answers its path. */
const keyFile = async (content: unknown, mode = 0o600) => {
  const path = join(scratch, `${Math.random().toString(36).slice(2)}.json`)
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content))
  await chmod(path, mode)
  return path
}

/** A private JWK made by node:crypto for a key type or curve the exchange does not take. */
const foreignJwk = (type: 'ec' | 'rsa', curve?: string) => {
  const { privateKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: curve ?? '' })
  return { ...privateKey.export({ format: 'jwk' }), kid: 'foreign' }
}

/** The refusal loading `path` throws: its code and its message. */
const refusal = async (path: string) => {
  const error = await loadParticipantKey(path, 'xian-gaoxin').catch((caught: unknown) => caught)
  expect(error).toBeInstanceOf(CommandError)
  return { code: (error as CommandError).code, message: (error as CommandError).message }
}

describe('loadParticipantKey', () => {
  it.each(['ES256', 'EdDSA'] as const)('loads a private %s JWK for the participant', async (alg) => {
    const { privateJwk } = await newSigningKey(alg)
    expect(await loadParticipantKey(await keyFile(privateJwk), 'xian-gaoxin')).toEqual({
      participant: 'xian-gaoxin',
      jwk: privateJwk,
    })
  })

  it.each(['0644', '0640', '0604', '0620'])(
    'refuses a key file with mode %s, naming the mode',
    async (mode) => {
      const { privateJwk } = await newSigningKey()
      const path = await keyFile(privateJwk, Number.parseInt(mode, 8))
      const { code, message } = await refusal(path)
      expect(code).toBe('key-file-permissions')
      expect(message).toContain(`mode ${mode}`)
      expect(message).toContain(`chmod 600 ${path}`)
    },
  )

  it('refuses a file that is missing', async () => {
    expect((await refusal(join(scratch, 'missing.json'))).code).toBe('key-file-unreadable')
  })

  it('refuses a file that is not JSON, or JSON that is not a JWK', async () => {
    expect((await refusal(await keyFile('-----BEGIN PRIVATE KEY-----'))).code).toBe('key-file-not-json')
    expect((await refusal(await keyFile({ keys: [] }))).code).toBe('key-file-not-jwk')
  })

  it('refuses a public key without its private part', async () => {
    const { publicJwk } = await newSigningKey()
    expect((await refusal(await keyFile(publicJwk))).code).toBe('key-public-only')
  })

  it.each([
    ['EC P-384', foreignJwk('ec', 'P-384')],
    ['EC secp256k1', foreignJwk('ec', 'secp256k1')],
    ['RSA', foreignJwk('rsa')],
  ])('refuses a key of type %s, naming what it found', async (found, jwk) => {
    const { code, message } = await refusal(await keyFile(jwk))
    expect(code).toBe('key-wrong-type')
    expect(message).toContain(`holds a key of type ${found}:`)
  })

  it('refuses a P-256 key that claims another algorithm', async () => {
    const { privateJwk } = await newSigningKey()
    expect((await refusal(await keyFile({ ...privateJwk, alg: 'ES384' }))).code).toBe('key-wrong-type')
  })

  it('refuses a key without a kid', async () => {
    const { kid: _kid, ...withoutKid } = (await newSigningKey()).privateJwk
    expect((await refusal(await keyFile(withoutKid))).code).toBe('key-no-kid')
  })

  it('refuses a key whose private part does not match its public one', async () => {
    const one = (await newSigningKey()).privateJwk
    const other = (await newSigningKey()).privateJwk
    expect((await refusal(await keyFile({ ...one, d: other.d }))).code).toBe('key-unusable')
  })
})
