import { exportJWK, generateKeyPair, type JSONWebKeySet } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { sampleSubmission } from '#local/sample-handoff.js'
import { type ConnectOptions, connectExchange, documentFromBytes } from '../../client/index.js'
import { type Caller, exchange, registerParticipant, uniqueId } from '../support/exchange-client.js'
import { handoffSetting } from '../support/handoff-fixtures.js'

type Setting = Awaited<ReturnType<typeof handoffSetting>>

const connectAs = (caller: Caller, options: Partial<ConnectOptions> = {}) =>
  connectExchange({ baseUrl: exchange.url, key: { participant: caller.id, jwk: caller.jwk }, ...options })

/** The keys the exchange under test publishes, as an operator would hand them over apart from it. */
const publishedKeys = async (): Promise<JSONWebKeySet> =>
  (await fetch(`${exchange.url}/.well-known/jwks.json`)).json() as Promise<JSONWebKeySet>

const foreignKeys = async (): Promise<JSONWebKeySet> => {
  const { publicKey } = await generateKeyPair('ES256')
  return { keys: [{ ...(await exportJWK(publicKey)), kid: 'foreign', alg: 'ES256', use: 'sig' }] }
}

/** Submits a fresh case of the setting through `connect`'s client; answers the receipt check's outcome. */
const submitThrough = async (setting: Setting, options: Partial<ConnectOptions>) => {
  const window = await connectAs(setting.accepting, options)
  const scan = (name: string, material: string) =>
    documentFromBytes({ name, contentType: 'application/pdf', bytes: Buffer.from(name), material })
  const documents = await window.uploadDocuments([scan('form.pdf', 'form'), scan('licence.pdf', 'licence')])
  return window
    .submitCase(
      sampleSubmission({
        acceptingRef: uniqueId('ref'),
        itemCode: setting.itemCode,
        homes: setting.homes.map((home) => home.id),
        manifest: await window.signManifest('application', documents),
      }),
    )
    .then(
      (answer) => ({ caseId: answer.caseId }),
      (error: { reason?: string }) => ({ refused: error.reason }),
    )
}

describe('connectExchange with the exchange keys pinned', () => {
  let setting: Setting
  beforeAll(async () => {
    setting = await handoffSetting()
  })

  it('verifies with the pinned keys and never asks the exchange for its own', async () => {
    const asked: string[] = []
    const watching: typeof fetch = (input, init) => {
      asked.push(new URL(String(input)).pathname)
      return fetch(input, init)
    }
    const outcome = await submitThrough(setting, { trustedKeys: await publishedKeys(), fetch: watching })
    expect(outcome).toEqual({ caseId: expect.any(String) })
    expect(asked).not.toContain('/.well-known/jwks.json')
  })

  it('refuses a receipt the pinned keys did not sign, whatever keys the exchange serves', async () => {
    expect(await submitThrough(setting, { trustedKeys: await foreignKeys() })).toEqual({
      refused: 'bad-signature',
    })
  })
})

describe('connectExchange guarding the connection', () => {
  it('refuses plain http to another machine before sending anything', async () => {
    const caller = await registerParticipant(['home'])
    let sent = 0
    const counting: typeof fetch = (input, init) => {
      sent++
      return fetch(input, init)
    }
    const refusal = await connectAs(caller, {
      baseUrl: 'http://exchange.example.gov.cn',
      fetch: counting,
    }).catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(TypeError)
    expect(sent).toBe(0)
  })

  it('gives up on a try that hangs and repeats it, where repeating is safe', async () => {
    const caller = await registerParticipant(['home'])
    let hung = 0
    const hangingOnce: typeof fetch = (input, init) => {
      if (!String(input).includes('/v1/participants/') || hung > 0) return fetch(input, init)
      hung++
      return new Promise((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      )
    }
    const client = await connectAs(caller, {
      fetch: hangingOnce,
      timeoutMs: 300,
      sleep: async () => undefined,
    })
    expect((await client.call('getParticipant', { params: { id: caller.id } })).id).toBe(caller.id)
    expect(hung).toBe(1)
  })
})
