import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, onTestFailed, vi } from 'vitest'
import { handlerSource } from '#functions/handlers.js'
import { createGateway } from '#local/gateway.js'
import { exchangeSession } from '../../../client/exchange-session.js'
import { caseEvents, caseItems, inboxItems, refusal } from '../../support/case-flows.js'
import { type Caller, exchange, registerParticipant } from '../../support/exchange-client.js'
import { handoffSetting, scan, submission } from '../../support/handoff-fixtures.js'

/** The applicant's personal data, distinctive enough that any copy of it is found. */
const applicant = {
  kind: 'person',
  name: '欧阳娜娜',
  idType: 'resident-id',
  idNumber: '610113199003071237',
  phone: '13912345678',
}
const address = '陕西省西安市雁塔区科技路 48 号 3 单元 1202 室'
const secrets = [applicant.name, applicant.idNumber, applicant.phone, address]

/** What the console printed while the gateway below served requests. */
const printed: string[] = []
/** The handlers run in this process, behind a gateway of their own, so their logs land in `printed`. */
const gateway = createGateway((module) => import(/* @vite-ignore */ handlerSource(module).href))

beforeAll(async () => {
  gateway.listen(0, '127.0.0.1')
  await once(gateway, 'listening')
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '))
    })
  }
})

afterAll(async () => {
  vi.restoreAllMocks()
  gateway.closeAllConnections()
  await new Promise((done) => gateway.close(done))
})

const inProcess = (caller: Caller) => {
  const { port } = gateway.address() as AddressInfo
  return exchangeSession(`http://127.0.0.1:${port}`, exchange.exchangeId, {
    participant: caller.id,
    jwk: caller.jwk,
  })
}

const leaksIn = (texts: string[]) =>
  texts.flatMap((text) =>
    secrets.filter((secret) => text.includes(secret)).map((secret) => ({ secret, text })),
  )

describe('personal data', () => {
  it('never leaves the case item, where it is encrypted: not in logs, audit events or inbox messages', async () => {
    // The console is captured: a failure shows what the handlers printed.
    onTestFailed(() => {
      process.stdout.write(`${printed.join('\n')}\n`)
    })
    const setting = await handoffSetting()
    const homeCaller = setting.homes[0]
    if (homeCaller === undefined) throw new Error('no home')
    const window = inProcess(setting.accepting)
    const home = inProcess(homeCaller)
    const body = await submission(setting, { applicant, delivery: { method: 'mail', address } })

    const { body: submitted } = await window.send<{ caseId: string }>('POST', '/v1/cases', body)
    const { caseId } = submitted
    const leg = `/v1/cases/${caseId}/legs/${homeCaller.id}/transitions`
    // Refusals of requests that carry the personal data, each of which the edge logs.
    const changed = { ...body, applicant: { ...applicant, phone: '13912340000' } }
    expect((await refusal(window.send('POST', '/v1/cases', changed))).code).toBe('duplicate-reference')
    const invalid = {
      ...body,
      acceptingRef: `${body.acceptingRef}-2`,
      applicant: { ...applicant, idNumber: '610113199003071230' },
    }
    expect((await refusal(window.send('POST', '/v1/cases', invalid))).code).toBe('validation-failed')
    const unknownField = {
      ...body,
      acceptingRef: `${body.acceptingRef}-3`,
      applicant: { ...applicant, email: applicant.phone },
    }
    expect((await refusal(window.send('POST', '/v1/cases', unknownField))).code).toBe('validation-failed')

    await home.send('POST', leg, { action: 'approve-intake', expectedVersion: 1 })
    await home.send('POST', leg, { action: 'accept', expectedVersion: 2 })
    await home.send('POST', leg, { action: 'request-supplement', expectedVersion: 3, missing: ['mandate'] })
    const supplement = await setting.window.manifest(
      'supplement',
      await setting.window.upload([scan('mandate.pdf', 'mandate')]),
    )
    await window.send('POST', leg, { action: 'resubmit', expectedVersion: 4, manifest: supplement })
    const homeSession = setting.homeSessions[0]
    if (homeSession === undefined) throw new Error('no home session')
    const result = await homeSession.manifest('result', await homeSession.upload([scan('decision.pdf')]))
    await home.send('POST', leg, { action: 'approve', expectedVersion: 5, manifest: result })
    await window.send('POST', leg, {
      action: 'deliver',
      expectedVersion: 6,
      delivery: { method: 'mail', at: '2026-11-21T10:00:00+08:00', reference: 'EMS-1187654321' },
    })
    const seen = await home.send<{ applicant: typeof applicant }>('GET', `/v1/cases/${caseId}`)
    expect(seen.body.applicant).toEqual(applicant)
    const auditor = inProcess(await registerParticipant(['auditor']))
    const masked = await auditor.send<{ applicant: typeof applicant; delivery: { address: string } }>(
      'GET',
      `/v1/cases/${caseId}`,
    )
    expect(leaksIn([JSON.stringify(masked.body)])).toEqual([])
    await home.send('POST', '/v1/inbox/pull', {})

    const logged = [...printed]
    const requests = logged.flatMap((line) => {
      const record = /^\{.*\}$/.test(line) ? JSON.parse(line) : undefined
      return record?.message === 'request' ? [`${record.status} ${record.route}`] : []
    })
    const transitionRoute = '200 POST /v1/cases/{caseId}/legs/{home}/transitions'
    expect(requests).toEqual([
      '201 POST /v1/cases',
      '409 POST /v1/cases',
      '422 POST /v1/cases',
      '422 POST /v1/cases',
      ...Array.from({ length: 6 }, () => transitionRoute),
      '200 GET /v1/cases/{caseId}',
      '200 GET /v1/cases/{caseId}',
      '200 POST /v1/inbox/pull',
    ])
    expect(leaksIn(logged)).toEqual([])

    const events = await caseEvents(caseId)
    expect(events.map((event) => event.action)).toEqual([
      'case.submitted',
      'leg.approve-intake',
      'leg.accept',
      'leg.request-supplement',
      'leg.resubmit',
      'leg.approve',
      'leg.deliver',
    ])
    expect(leaksIn(events.map((event) => JSON.stringify(event)))).toEqual([])

    const messages = [
      ...(await inboxItems(setting.accepting.id, caseId)),
      ...(await inboxItems(homeCaller.id, caseId)),
    ]
    expect(messages.length).toBeGreaterThan(0)
    expect(leaksIn(messages.map((message) => message.raw))).toEqual([])

    const items = await caseItems(caseId)
    const caseItem = items.find((item) => item.sk?.S === 'case')
    expect(caseItem?.doc?.S).toContain('"ciphertext"')
    expect(leaksIn(items.map((item) => JSON.stringify(item)))).toEqual([])
  }, 60_000)
})
