import { rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { exportJWK, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newPrivateJwk } from '#local/keys.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { registerParticipant, exchange as testExchange, uniqueId } from '../support/exchange-client.js'
import { exchangeInProcess as exchange } from './run-exchange.js'

describe('exchange connection check', () => {
  let scratch: string
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-connection')
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('reports a registered participant ready, with its roles and keys', async () => {
    const caller = await registerParticipant(['accepting', 'home'])
    const run = await exchange(['connection', 'check'], await partnerEnv(caller, scratch))
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('operations: the exchange serves exactly those this client knows')
    expect(run.stdout).toContain(`signed request accepted: you are ${caller.id}, key ${caller.jwk.kid}`)
    expect(run.stdout).toMatch(/^roles\s+accepting, home$/m)
  })

  it('names the step that fails: a key the exchange does not know', async () => {
    const stranger = { id: uniqueId('p'), jwk: await newPrivateJwk('EdDSA') }
    const run = await exchange(['connection', 'check', '--json'], await partnerEnv(stranger, scratch))
    expect(run.code).toBe(1)
    expect(run.stderr).toEqual([
      expect.stringMatching(/^exchange: a request signed with your key: 401 unauthenticated: /),
    ])
    expect(JSON.parse(run.stdout).error.code).toBe('unauthenticated')
  })

  it('names the step that fails: an exchange that does not answer', async () => {
    const caller = await registerParticipant(['home'])
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const run = await exchange(
      ['connection', 'check', '--json'],
      await partnerEnv(caller, scratch, `http://127.0.0.1:${port}`),
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toEqual([
      expect.stringMatching(/^exchange: reaching the exchange: fetch failed: .*ECONNREFUSED/),
    ])
    expect(JSON.parse(run.stdout).error.code).toBe('unreachable')
  })

  it('checks the signing keys the exchange serves against those you were handed apart from it', async () => {
    const env = await partnerEnv(await registerParticipant(['home']), scratch)
    const published = join(scratch, 'exchange-jwks.json')
    await writeFile(published, await (await fetch(`${testExchange.url}/.well-known/jwks.json`)).text())
    const pinned = await exchange(['connection', 'check', '--exchange-keys', published], env)
    expect(pinned.code).toBe(0)
    expect(pinned.stdout).toMatch(/^signing keys: \S+, checked against the 1 you trust$/m)

    const { publicKey } = await generateKeyPair('ES256')
    const foreign = join(scratch, 'foreign-jwks.json')
    await writeFile(foreign, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'foreign' }] }))
    const refused = await exchange(['connection', 'check', '--json'], { ...env, EXCHANGE_KEYS: foreign })
    expect({ code: refused.code, error: JSON.parse(refused.stdout).error.code }).toEqual({
      code: 1,
      error: 'untrusted-keys',
    })
  })

  it('refuses an exchange with another id than the one expected', async () => {
    const env = await partnerEnv(await registerParticipant(['home']), scratch)
    const run = await exchange(['connection', 'check', '--exchange-id', 'exchange-prod', '--json'], env)
    expect(run.code).toBe(1)
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: reaching the exchange: untrusted answer/)])
    expect(JSON.parse(run.stdout).error.code).toBe('unexpected-answer')
  })

  it('refuses plain http to another machine before sending anything', async () => {
    const env = await partnerEnv(await registerParticipant(['home']), scratch, 'http://192.0.2.10:3000')
    const run = await exchange(['connection', 'check', '--json'], env)
    expect({ code: run.code, error: JSON.parse(run.stdout).error.code }).toEqual({
      code: 2,
      error: 'insecure-exchange-url',
    })
  })
})
