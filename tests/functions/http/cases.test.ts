import { decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { ExchangeProblem } from '../../../client/exchange-session.js'
import { call, registerParticipant } from '../../support/exchange-client.js'
import { handoffSetting, residentId, scan, sessionOf, submission } from '../../support/handoff-fixtures.js'

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  if (!(error instanceof ExchangeProblem)) throw new Error(`expected a refusal, got ${String(error)}`)
  return error
}

describe('a proxy-collection handoff', () => {
  it('runs from submission to delivery, each step answering the contract', async () => {
    const setting = await handoffSetting()
    const [home] = setting.homeSessions
    const homeId = setting.homes[0]?.id
    if (home === undefined || homeId === undefined) throw new Error('no home')
    const body = await submission(setting)
    const submitted = await setting.window.send<{
      caseId: string
      legs: { version: number }[]
      receipt: string
    }>('POST', '/v1/cases', body)
    expect(submitted.status).toBe(201)
    expect(submitted.body.legs).toEqual([{ home: homeId, status: 'submitted', version: 1 }])
    expect(decodeProtectedHeader(submitted.body.receipt).typ).toBe('exchange-receipt+jwt')
    expect(decodeJwt(submitted.body.receipt)).toMatchObject({
      caseId: submitted.body.caseId,
      acceptingRef: body.acceptingRef,
    })
    const { caseId } = submitted.body
    const transition = (session: typeof home, action: string, expectedVersion: number, extra = {}) =>
      session.send<{ leg: { status: string; version: number; deadline?: string } }>(
        'POST',
        `/v1/cases/${caseId}/legs/${homeId}/transitions`,
        { action, expectedVersion, ...extra },
      )
    const intake = await transition(home, 'approve-intake', 1)
    expect(intake.body.leg).toMatchObject({ status: 'intake-approved', version: 2 })
    const accepted = await transition(home, 'accept', 2)
    expect(accepted.body.leg.status).toBe('accepted')
    expect(accepted.body.leg.deadline).toMatch(/T23:59:59\.999\+08:00$/)
    const result = await home.upload([scan('decision.pdf')])
    const approved = await transition(home, 'approve', 3, { manifest: await home.manifest('result', result) })
    expect(approved.body.leg.status).toBe('approved')
    const delivered = await transition(setting.window, 'deliver', 4, {
      delivery: { method: 'electronic', at: '2026-11-21T10:00:00+08:00' },
    })
    expect(delivered.body.leg).toMatchObject({ status: 'delivered', version: 5 })

    const seen = await home.send<{ applicant: { idNumber: string }; legs: { status: string }[] }>(
      'GET',
      `/v1/cases/${caseId}`,
    )
    expect(seen.body.applicant.idNumber).toBe(residentId)
    expect(seen.body.legs.map((leg) => leg.status)).toEqual(['delivered'])
  })

  it('answers a repeated submission with the same answer, and a changed one with 409', async () => {
    const setting = await handoffSetting()
    const body = await submission(setting)
    const first = await setting.window.send('POST', '/v1/cases', body)
    const again = await setting.window.send('POST', '/v1/cases', body)
    expect(again.status).toBe(200)
    expect(again.body).toEqual(first.body)
    const changed = await refusal(
      setting.window.send('POST', '/v1/cases', {
        ...body,
        applicant: { ...body.applicant, phone: '13900139000' },
      }),
    )
    expect([changed.status, changed.code]).toEqual([409, 'duplicate-reference'])
  })

  it('lists every missing required material at once', async () => {
    const setting = await handoffSetting()
    const documents = await setting.window.upload([scan('other.pdf')])
    const problem = await refusal(
      setting.window.send(
        'POST',
        '/v1/cases',
        await submission(setting, { manifest: await setting.window.manifest('application', documents) }),
      ),
    )
    expect([problem.status, problem.code]).toEqual([422, 'missing-materials'])
    expect(problem.body.missing).toEqual(['form', 'licence'])
  })

  it('hides a case from participants who are not party to it', async () => {
    const setting = await handoffSetting()
    const { body } = await setting.window.send<{ caseId: string }>(
      'POST',
      '/v1/cases',
      await submission(setting),
    )
    const stranger = sessionOf(await registerParticipant(['accepting', 'home']))
    expect((await refusal(stranger.send('GET', `/v1/cases/${body.caseId}`))).status).toBe(404)
    const auditor = sessionOf(await registerParticipant(['auditor']))
    const masked = await auditor.send<{ applicant: { idNumber: string; phone: string } }>(
      'GET',
      `/v1/cases/${body.caseId}`,
    )
    expect(masked.body.applicant.idNumber).toBe('**************002X')
    expect(masked.body.applicant.phone).toBe('138****8000')
    expect((await call('GET', `/v1/cases/${body.caseId}`)).status).toBe(401)
  })
})
