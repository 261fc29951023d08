import { createHash } from 'node:crypto'
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { ExchangeProblem } from '../../../client/client-errors.js'
import { type Leg, submitCase, transition as transitionOver } from '../../support/case-flows.js'
import { call, exchange, registerParticipant } from '../../support/exchange-client.js'
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

/** The exchange's published keys, as a partner verifies what the exchange signs. */
const exchangeKeys = createRemoteJWKSet(new URL(`${exchange.url}/.well-known/jwks.json`))

/** Pulls what waits in a participant's inbox and acks it, so the next message of each case comes forward. */
const pulled = async (session: ReturnType<typeof sessionOf>) => {
  const { body } = await session.send<{
    messages: { lease: string; type: string; caseId: string; home: string; version: number; body: object }[]
  }>('POST', '/v1/inbox/pull', {})
  if (body.messages.length > 0) {
    await session.send('POST', '/v1/inbox/ack', { leases: body.messages.map((message) => message.lease) })
  }
  return body.messages
}

describe('what the exchange signs for a handoff', () => {
  it('answers a receipt and, on approve-intake, a proxy-receipt notice that verify with its published keys', async () => {
    const setting = await handoffSetting()
    const [home] = setting.homeSessions
    const homeId = setting.homes[0]?.id ?? ''
    if (home === undefined) throw new Error('no home')
    const { caseId, receipt, body } = await submitCase(setting)

    const signedReceipt = await jwtVerify(receipt, exchangeKeys, {
      typ: 'exchange-receipt+jwt',
      issuer: exchange.exchangeId,
      audience: setting.accepting.id,
    })
    expect(signedReceipt.payload).toMatchObject({
      caseId,
      acceptingRef: body.acceptingRef,
      manifestSha256: createHash('sha256').update(body.manifest, 'ascii').digest('hex'),
    })

    const { body: intake } = await transitionOver(home, caseId, homeId, {
      action: 'approve-intake',
      expectedVersion: 1,
    })
    expect(intake.leg).toMatchObject({ status: 'intake-approved', version: 2, notice: expect.any(String) })
    const notice = await jwtVerify(intake.leg.notice ?? '', exchangeKeys, {
      typ: 'exchange-notice+jwt',
      issuer: exchange.exchangeId,
      audience: setting.accepting.id,
    })
    expect(notice.payload).toMatchObject({
      caseId,
      home: homeId,
      acceptingRef: body.acceptingRef,
      itemCode: setting.itemCode,
      aud: setting.accepting.id,
    })
    const toWindow = (await pulled(setting.window)).filter((message) => message.caseId === caseId)
    expect(toWindow).toEqual([
      expect.objectContaining({
        type: 'case.intake-approved',
        home: homeId,
        version: 2,
        body: { status: 'intake-approved', notice: intake.leg.notice },
      }),
    ])
  })
})

describe('joint processing', () => {
  it('fans a case out to three homes whose legs move independently, a supplement pausing the clock', async () => {
    const setting = await handoffSetting(3)
    const [a, b, c] = setting.homeSessions
    const [homeA, homeB, homeC] = setting.homes.map((home) => home.id)
    if (
      a === undefined ||
      b === undefined ||
      c === undefined ||
      homeA === undefined ||
      homeB === undefined ||
      homeC === undefined
    )
      throw new Error('no homes')
    const { caseId, legs } = await submitCase(setting)
    expect(legs).toEqual([homeA, homeB, homeC].map((home) => ({ home, status: 'submitted', version: 1 })))
    for (const [session, home] of [
      [a, homeA],
      [b, homeB],
      [c, homeC],
    ] as const) {
      expect(await pulled(session)).toEqual([
        expect.objectContaining({ type: 'case.submitted', caseId, home, version: 1 }),
      ])
    }

    const move = async (session: typeof a, home: string, request: Record<string, unknown>) =>
      (await transitionOver(session, caseId, home, request)).body.leg
    const acceptedA = await move(a, homeA, { action: 'accept', expectedVersion: 1 })
    const result = async (session: typeof a) =>
      session.manifest('result', await session.upload([scan('decision.pdf')]))
    const approvedA = await move(a, homeA, {
      action: 'approve',
      expectedVersion: 2,
      manifest: await result(a),
    })
    await move(b, homeB, { action: 'accept', expectedVersion: 1 })
    const rejectedB = await move(b, homeB, {
      action: 'reject',
      expectedVersion: 2,
      reason: 'outside the remit',
    })
    const acceptedC = await move(c, homeC, { action: 'accept', expectedVersion: 1 })
    const pausedC = await move(c, homeC, {
      action: 'request-supplement',
      expectedVersion: 2,
      missing: ['mandate'],
    })
    const supplement = await setting.window.manifest(
      'supplement',
      await setting.window.upload([scan('mandate.pdf', 'mandate')]),
    )
    const resumedC = await move(setting.window, homeC, {
      action: 'resubmit',
      expectedVersion: 3,
      manifest: supplement,
    })
    const approvedC = await move(c, homeC, {
      action: 'approve',
      expectedVersion: 4,
      manifest: await result(c),
    })

    expect(acceptedA).toMatchObject({
      status: 'accepted',
      version: 2,
      overdue: false,
      warning: expect.any(Boolean),
    })
    expect(approvedA).toMatchObject({
      status: 'approved',
      version: 3,
      deadline: acceptedA.deadline,
      overdue: false,
      warning: false,
    })
    expect(rejectedB).toMatchObject({ status: 'rejected', version: 3, overdue: false, warning: false })
    expect(pausedC).toMatchObject({
      status: 'supplement-requested',
      version: 3,
      deadline: acceptedC.deadline,
      missing: ['mandate'],
      overdue: false,
      warning: false,
    })
    expect(resumedC).toMatchObject({ status: 'accepted', version: 4, overdue: false })
    expect(resumedC).not.toHaveProperty('missing')
    expect(Date.parse(resumedC.deadline ?? '')).toBeGreaterThanOrEqual(Date.parse(acceptedC.deadline ?? 'x'))
    expect(approvedC).toMatchObject({ status: 'approved', version: 5, deadline: resumedC.deadline })
    expect(approvedC.packageIds).toHaveLength(3)

    const seen = await setting.window.send<{ legs: Leg[] }>('GET', `/v1/cases/${caseId}`)
    expect(seen.body.legs.map((leg) => [leg.home, leg.status, leg.version])).toEqual([
      [homeA, 'approved', 3],
      [homeB, 'rejected', 3],
      [homeC, 'approved', 5],
    ])
    for (const leg of seen.body.legs) {
      expect(leg).toMatchObject({
        deadline: expect.stringMatching(/T23:59:59\.999\+08:00$/),
        overdue: false,
        warning: false,
      })
    }
    expect(await pulled(c)).toEqual([
      expect.objectContaining({ type: 'case.resubmitted', caseId, home: homeC, version: 4 }),
    ])
  })
})

describe('GET /v1/cases', () => {
  it("lists the caller's own cases in one role, by leg status, page by page", async () => {
    const setting = await handoffSetting()
    const [home] = setting.homeSessions
    const homeId = setting.homes[0]?.id ?? ''
    if (home === undefined) throw new Error('no home')
    const first = await submitCase(setting)
    const second = await submitCase(setting)
    await transitionOver(home, first.caseId, homeId, { action: 'accept', expectedVersion: 1 })
    const ids = async (session: typeof home, query: string) =>
      (await session.send<{ cases: { caseId: string }[] }>('GET', `/v1/cases?${query}`)).body.cases.map(
        (listed) => listed.caseId,
      )

    expect(await ids(setting.window, 'role=accepting')).toEqual([second.caseId, first.caseId])
    expect(await ids(home, 'role=home')).toEqual([second.caseId, first.caseId])
    expect(await ids(home, 'role=home&status=accepted')).toEqual([first.caseId])
    expect(await ids(setting.window, 'role=accepting&status=submitted')).toEqual([second.caseId])
    expect(await ids(home, 'role=accepting')).toEqual([])
    expect(await ids(setting.window, 'role=home')).toEqual([])
    const stranger = sessionOf(await registerParticipant(['accepting', 'home']))
    expect(await ids(stranger, 'role=accepting')).toEqual([])

    const page = await setting.window.send<{ cases: { caseId: string; legs: Leg[] }[]; nextCursor?: string }>(
      'GET',
      '/v1/cases?role=accepting&limit=1',
    )
    expect(page.body.cases.map((listed) => listed.caseId)).toEqual([second.caseId])
    const cursor = page.body.nextCursor ?? ''
    expect(await ids(setting.window, `role=accepting&limit=1&cursor=${cursor}`)).toEqual([first.caseId])

    const edited = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')), role: 'home' }),
    ).toString('base64url')
    for (const query of [
      `role=home&cursor=${cursor}`,
      `role=accepting&cursor=${edited}`,
      'role=accepting&cursor=not-a-cursor',
      `role=accepting&cursor=${Buffer.from('{"role":"accepting"}').toString('base64url')}`,
    ]) {
      const problem = await refusal(setting.window.send('GET', `/v1/cases?${query}`))
      expect([problem.status, problem.code, problem.body.errors], query).toEqual([
        422,
        'validation-failed',
        [{ path: '/query/cursor', message: expect.any(String) }],
      ])
    }
  })
})
