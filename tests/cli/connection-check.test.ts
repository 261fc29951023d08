import { rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newPrivateJwk } from '#local/keys.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { registerParticipant, uniqueId } from '../support/exchange-client.js'
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
})
