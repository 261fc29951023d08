import { rm } from 'node:fs/promises'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../cli/command.js'
import { CommandError } from '../../cli/command-error.js'
import { mayPass } from '../../cli/inbox-watch.js'
import { ExchangeProblem, UntrustedAnswer } from '../../client/client-errors.js'
import { partnerEnv, scratchFolder, submittedCase } from '../support/cli-partners.js'
import {
  admin,
  type Caller,
  call,
  registerParticipant,
  exchange as running,
} from '../support/exchange-client.js'
import { handoffSetting } from '../support/handoff-fixtures.js'
import { exchangeInProcess as exchange, type Run } from './run-exchange.js'

/**
 * A network between a watcher and the exchange that fails on cue: it forwards every call while
 * `fault` is unset, drops each connection while it is `reset`, and answers 503 (after one second,
 * says its Retry-After) while it is `busy`. Counts the pulls it forwarded and the calls it failed.
 */
const unsteadyNetwork = async () => {
  const state = { fault: undefined as 'reset' | 'busy' | undefined, pulls: 0, failed: 0 }
  const server = createServer((incoming, reply) => {
    if (state.fault !== undefined) state.failed++
    if (state.fault === 'reset') return void incoming.socket.destroy()
    if (state.fault === 'busy') {
      const problem = { type: 'about:blank', title: 'Busy', status: 503, code: 'unavailable', detail: 'busy' }
      reply.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' })
      return void reply.end(JSON.stringify(problem))
    }
    if (incoming.url === '/v1/inbox/pull') state.pulls++
    const target = new URL(incoming.url ?? '/', running.url)
    const outgoing = request(
      target,
      { method: incoming.method, headers: { ...incoming.headers, host: target.host } },
      (answer) => {
        reply.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(reply)
      },
    )
    outgoing.on('error', () => reply.destroy())
    incoming.pipe(outgoing)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

/** Resolves once `condition` holds, looking every 50 ms; fails at once if the watch ends first. */
const until = async (condition: () => boolean, watching: Promise<Run>) => {
  let ended: Run | undefined
  void watching.then((run) => {
    ended = run
  })
  while (!condition()) {
    expect(ended, 'the watch ended').toBeUndefined()
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('exchange inbox watch', () => {
  let scratch: string
  let setting: Awaited<ReturnType<typeof handoffSetting>>
  let home: Env
  beforeAll(async () => {
    setting = await handoffSetting()
    scratch = await scratchFolder('exchange-inbox-watch')
    home = await partnerEnv(setting.homes[0] as Caller, scratch)
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('waits for messages and prints each as one JSON line as it arrives, acking it', async () => {
    const watching = exchange(['inbox', 'watch', '--count', '2', '--interval', '1', '--ack', '--json'], home)
    const first = await submittedCase(setting)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const second = await submittedCase(setting)
    const run = await watching
    expect(run.code).toBe(0)
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines.map((message) => [message.type, message.caseId])).toEqual([
      ['case.submitted', first.caseId],
      ['case.submitted', second.caseId],
    ])
    expect((await exchange(['inbox', 'pull'], home)).stdout).toBe('no messages waiting\n')
  })

  it('prints one line per message for people and the tally at the end', async () => {
    const { caseId } = await submittedCase(setting)
    const run = await exchange(['inbox', 'watch', '--count', '1'], home)
    expect(run.stdout).toMatch(
      new RegExp(`  case\\.submitted  ${caseId}  .*  v1  lease \\S+\\n1 message, 0 acked\\n$`),
    )
    expect(run.stderr).toEqual([expect.stringMatching(/^watching the inbox of /)])
  })

  it('rides out a busy exchange and a lost connection, then prints the message that came meanwhile', async () => {
    const outage = await handoffSetting()
    const network = await unsteadyNetwork()
    try {
      const env = await partnerEnv(outage.homes[0] as Caller, scratch, network.url)
      const watching = exchange(['inbox', 'watch', '--count', '1', '--interval', '1', '--ack', '--json'], env)
      await until(() => network.state.pulls > 0, watching)
      network.state.fault = 'busy'
      // The client tries a busy exchange four times itself before the watch sees the failure.
      await until(() => network.state.failed >= 4, watching)
      network.state.fault = 'reset'
      await until(() => network.state.failed >= 5, watching)
      const arrived = await submittedCase(outage)
      network.state.fault = undefined
      const run = await watching

      expect(run.code).toBe(0)
      expect(JSON.parse(run.stdout)).toMatchObject({ type: 'case.submitted', caseId: arrived.caseId })
      expect(run.stderr.slice(0, 2)).toEqual([
        expect.stringMatching(/^exchange: 503 unavailable: .* \(retrying in 1s\)$/),
        expect.stringMatching(/^exchange: no answer from the exchange: .* \(retrying in 2s\)$/),
      ])
      expect(run.stderr.every((line) => / \(retrying in \d+s\)$/.test(line))).toBe(true)
    } finally {
      await network.close()
    }
  })

  it('ends at once, exit status 1, when the exchange refuses the participant as suspended', async () => {
    const suspended = await registerParticipant(['home'])
    expect((await call('POST', `/v1/participants/${suspended.id}/suspend`, { as: admin })).status).toBe(200)
    const run = await exchange(['inbox', 'watch', '--json'], await partnerEnv(suspended, scratch))
    expect({ code: run.code, error: JSON.parse(run.stdout).error.code }).toEqual({
      code: 1,
      error: 'suspended',
    })
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: 403 suspended: /)])
  })
})

describe('mayPass', () => {
  it.each([
    ['a busy exchange (503)', new ExchangeProblem(503, { code: 'unavailable', detail: 'busy' })],
    ['a rate limit (429)', new ExchangeProblem(429, { code: 'rate-limited', detail: 'slow down' })],
    ['a gateway error (502)', new ExchangeProblem(502, { code: 'unavailable', detail: 'gateway' })],
    ['a network failure', new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') })],
    ['a timed out try', new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
  ])('lets the watch try again after %s', (_, error) => {
    expect(mayPass(error)).toBe(true)
  })

  it.each([
    ['unauthenticated (401)', new ExchangeProblem(401, { code: 'unauthenticated', detail: 'no' })],
    ['forbidden (403)', new ExchangeProblem(403, { code: 'forbidden', detail: 'no' })],
    ['suspended (403)', new ExchangeProblem(403, { code: 'suspended', detail: 'no' })],
    ['an untrusted answer', new UntrustedAnswer('bad-signature', 'forged')],
    ["a refusal of the command's own", new CommandError('bad-number', 'no')],
    ['a type error of the code itself', new TypeError('x is not a function')],
  ])('ends the watch on %s', (_, error) => {
    expect(mayPass(error)).toBe(false)
  })
})
