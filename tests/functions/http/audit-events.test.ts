import { beforeAll, describe, expect, it } from 'vitest'
import { submitCase, transition } from '../../support/case-flows.js'
import {
  type Caller,
  call,
  errorPaths,
  expectProblem,
  registerParticipant,
} from '../../support/exchange-client.js'
import { handoffSetting } from '../../support/handoff-fixtures.js'

type Setting = Awaited<ReturnType<typeof handoffSetting>>

// biome-ignore lint/suspicious/noExplicitAny: events are read back as plain JSON and asserted on.
type Event = any

const events = (as: Caller, query: Record<string, string>) =>
  call('GET', `/v1/audit/events?${new URLSearchParams(query)}`, { as })

describe('GET /v1/audit/events', () => {
  let setting: Setting
  let caseId: string
  let auditor: Caller
  let stranger: Caller
  beforeAll(async () => {
    setting = await handoffSetting()
    caseId = (await submitCase(setting)).caseId
    const [home] = setting.homeSessions
    const homeId = setting.homes[0]?.id
    if (home === undefined || homeId === undefined) throw new Error('no home')
    await transition(home, caseId, homeId, { action: 'approve-intake', expectedVersion: 1 })
    auditor = await registerParticipant(['auditor'])
    stranger = await registerParticipant(['accepting', 'home'])
  })

  it("answers a case's parties and auditors its events in chain order, hashed and linked", async () => {
    for (const as of [setting.accepting, setting.homes[0] as Caller, auditor]) {
      const answer = await events(as, { caseId })
      expect(answer.status).toBe(200)
      const found: Event[] = answer.body.events
      expect(found.map((event) => event.action)).toContain('case.submitted')
      expect(found.every((event) => event.caseId === caseId)).toBe(true)
      found.forEach((event, index) => {
        expect(event.prevHash).toBe(index === 0 ? '0'.repeat(64) : found[index - 1].hash)
      })
    }
  })

  it('answers 404 to a participant asking for a case it is no party to', async () => {
    expectProblem(await events(stranger, { caseId }), 404, 'not-found')
    expectProblem(await events(stranger, { caseId: 'no-such-case' }), 404, 'not-found')
  })

  it("answers a participant asking for another's events an empty page, never their data", async () => {
    const answer = await events(stranger, { participant: setting.accepting.id })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ events: [] })
  })

  it('answers a participant its own actions without a case, and an auditor anyone’s', async () => {
    const own = await events(setting.accepting, {})
    expect(own.status).toBe(200)
    expect(own.body.events.length).toBeGreaterThan(0)
    expect(own.body.events.every((event: Event) => event.actor.participant === setting.accepting.id)).toBe(
      true,
    )
    const audited = await events(auditor, { participant: setting.accepting.id, action: 'case.submitted' })
    expect(audited.status).toBe(200)
    expect(audited.body.events.map((event: Event) => event.caseId)).toEqual([caseId])
  })

  it('pages with a cursor, and refuses an edited one', async () => {
    const first = await events(setting.accepting, { caseId, limit: '1' })
    expect(first.status).toBe(200)
    expect(first.body.events).toHaveLength(1)
    const cursor: string = first.body.nextCursor
    const second = await events(setting.accepting, { caseId, limit: '1', cursor })
    expect(second.status).toBe(200)
    expect(second.body.events[0].prevHash).toBe(first.body.events[0].hash)
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString())
    decoded.p.after.seq += 5
    const edited = Buffer.from(JSON.stringify(decoded)).toString('base64url')
    for (const bad of [edited, `${cursor}x`, cursor.slice(1)]) {
      const answer = await events(setting.accepting, { caseId, limit: '1', cursor: bad })
      expectProblem(answer, 422, 'validation-failed')
      expect(errorPaths(answer)).toEqual(['/query/cursor'])
    }
    const elsewhere = await events(setting.accepting, { limit: '1', cursor })
    expectProblem(elsewhere, 422, 'validation-failed')
  })

  it('answers a ten-year range without a limit quickly, with a bounded page and a cursor', async () => {
    const started = performance.now()
    const answer = await events(auditor, { from: '2016-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })
    expect(answer.status).toBe(200)
    expect(answer.body.events.length).toBeLessThanOrEqual(50)
    expect(answer.body.nextCursor).toEqual(expect.any(String))
    expect(performance.now() - started).toBeLessThan(5_000)
  })

  it('refuses limits of 0, below 0, huge or an object, and from after to', async () => {
    for (const limit of ['0', '-3', '1000000', '{"a":1}', 'many']) {
      const answer = await events(auditor, { caseId, limit })
      expectProblem(answer, 422, 'validation-failed')
      expect(errorPaths(answer)).toEqual(['/query/limit'])
    }
    const nested = await call('GET', `/v1/audit/events?caseId=${caseId}&limit[a]=1`, { as: auditor })
    expectProblem(nested, 422, 'validation-failed')
    const backwards = await events(auditor, { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' })
    expectProblem(backwards, 422, 'validation-failed')
    expect(errorPaths(backwards)).toEqual(['/query/from'])
    const unbounded = await events(auditor, {})
    expectProblem(unbounded, 422, 'validation-failed')
    expect(errorPaths(unbounded)).toEqual(['/query/from'])
  })
})
