import { describe, expect, it } from 'vitest'
import { caseDependencies } from '#functions/dependencies/cases.js'
import { superviseDeadlines } from '#shared/cases/supervise-deadlines.js'
import { transitionLeg } from '#shared/cases/transition-leg.js'
import { beijingDate } from '#shared/clock/deadline.js'
import { submitCase, transition } from '../../support/case-flows.js'
import {
  admin,
  type Caller,
  call,
  errorPaths,
  expectProblem,
  registerParticipant,
} from '../../support/exchange-client.js'
import { handoffSetting, scan } from '../../support/handoff-fixtures.js'
import { localSettings } from '../../support/local-documents.js'
import { foldUntilCounted, statisticsQueueOf } from '../../support/statistics-flows.js'

const today = () => beijingDate(new Date().toISOString())

/** The Beijing days a case's events fell on, as a `from`/`to` query covering them all. */
const daysOf = async (caseId: string) => {
  const days = (await statisticsQueueOf(caseId)).map((event) => beijingDate(event.at)).sort()
  return `from=${days[0]}&to=${days.at(-1)}`
}

/** A fresh case handed to one home, accepted and approved over HTTP, and counted by the job. */
const countedCase = async () => {
  const setting = await handoffSetting()
  const [session] = setting.homeSessions
  const home = setting.homes[0]?.id
  if (session === undefined || home === undefined) throw new Error('no home')
  const { caseId } = await submitCase(setting)
  await transition(session, caseId, home, { action: 'accept', expectedVersion: 1 })
  const result = await session.manifest('result', await session.upload([scan('decision.pdf')]))
  await transition(session, caseId, home, { action: 'approve', expectedVersion: 2, manifest: result })
  await foldUntilCounted(caseId)
  return { setting, home, caseId, range: await daysOf(caseId) }
}

type Group = { group: string; submitted: number; accepted: number; approved: number; overdue: number }

const groupsOf = async (caller: Caller, query: string) => {
  const answer = await call('GET', `/v1/stats?${query}`, { as: caller })
  expect(answer.status).toBe(200)
  return answer.body as { scope: string; groups: Group[] }
}

describe('GET /v1/stats', () => {
  it('shows auditors and the admin every group, and a party the legs it is a party to', async () => {
    const { setting, home, range } = await countedCase()
    const accepting = setting.accepting.id
    const expected = {
      submitted: 1,
      accepted: 1,
      approved: 1,
      rejected: 0,
      withdrawn: 0,
      delivered: 0,
      overdue: 0,
      decided: 1,
      decidedOnTime: 1,
      onTimeRate: 1,
      medianWorkingDaysToDecision: expect.any(Number),
    }

    const auditor = await registerParticipant(['auditor'])
    const all = await groupsOf(auditor, `${range}&groupBy=home`)
    expect(all.scope).toBe('all')
    expect(all.groups.find((group) => group.group === home)).toEqual({ group: home, home, ...expected })
    const byItem = await groupsOf(admin, `${range}&groupBy=item`)
    expect(byItem.scope).toBe('all')
    expect(byItem.groups.find((group) => group.group === setting.itemCode)).toEqual({
      group: setting.itemCode,
      itemCode: setting.itemCode,
      ...expected,
    })

    const pair = { group: `${accepting}→${home}`, accepting, home, ...expected }
    expect(await groupsOf(setting.accepting, `${range}&groupBy=pair`)).toEqual({
      from: expect.any(String),
      to: expect.any(String),
      groupBy: 'pair',
      scope: 'own',
      groups: [pair],
    })
    expect((await groupsOf(setting.homes[0] as Caller, `${range}&groupBy=pair`)).groups).toEqual([pair])
    expect((await groupsOf(setting.homes[0] as Caller, `${range}&groupBy=accepting`)).groups).toEqual([
      { group: accepting, accepting, ...expected },
    ])
    expect((await groupsOf(setting.accepting, `${range}&groupBy=home`)).groups).toEqual([
      { group: home, home, ...expected },
    ])

    const stranger = await registerParticipant(['accepting', 'home'])
    for (const groupBy of ['home', 'accepting', 'item', 'pair']) {
      expect(await groupsOf(stranger, `${range}&groupBy=${groupBy}`)).toMatchObject({
        scope: 'own',
        groups: [],
      })
    }
    expectProblem(await call('GET', `/v1/stats?${range}`), 401, 'unauthenticated')
  })

  it('defaults to the thirty days up to today, by home', async () => {
    const auditor = await registerParticipant(['auditor'])
    const answer = await call('GET', '/v1/stats', { as: auditor })
    expect(answer.body).toMatchObject({ to: today(), groupBy: 'home', scope: 'all' })
  })

  it.each([
    ['groupBy=district', ['/query/groupBy']],
    ['from=2026-12-02&to=2026-12-01', ['/query/from']],
    ['from=2025-01-01&to=2026-01-02', ['/query/to']],
    ['from=yesterday', ['/query/from']],
    ['from=2026-02-30', ['/query/from']],
    ['region=xian', ['/query/region']],
  ])('refuses %s with 422', async (query, paths) => {
    const auditor = await registerParticipant(['auditor'])
    const answer = await call('GET', `/v1/stats?${query}`, { as: auditor })
    expectProblem(answer, 422, 'validation-failed')
    expect(errorPaths(answer)).toEqual(paths)
  })
})

type Listed = { caseId: string; home: string; overdue: boolean; warning: boolean; status: string }

/** Pages through the supervisors' list until the case's leg shows up (other tests' legs may come first). */
const findListed = async (caller: Caller, state: string, caseId: string): Promise<Listed | undefined> => {
  let cursor: string | undefined
  for (let page = 0; page < 100; page++) {
    const answer = await call(
      'GET',
      `/v1/supervision/legs?state=${state}&limit=100${cursor === undefined ? '' : `&cursor=${cursor}`}`,
      { as: caller },
    )
    expect(answer.status).toBe(200)
    const found = (answer.body.legs as Listed[]).find((leg) => leg.caseId === caseId)
    if (found !== undefined) return found
    cursor = answer.body.nextCursor
    if (cursor === undefined) return undefined
  }
  return undefined
}

describe('GET /v1/supervision/legs', () => {
  it('lists a leg with one working day left among the warnings', async () => {
    const setting = await handoffSetting(1, { promisedDays: 1, statutoryDays: 1 })
    const [session] = setting.homeSessions
    const home = setting.homes[0]?.id ?? ''
    if (session === undefined) throw new Error('no home')
    const { caseId } = await submitCase(setting)
    const accepted = await transition(session, caseId, home, { action: 'accept', expectedVersion: 1 })
    expect(accepted.body.leg.warning).toBe(true)

    const auditor = await registerParticipant(['auditor'])
    expect(await findListed(auditor, 'warning', caseId)).toEqual({
      caseId,
      home,
      accepting: setting.accepting.id,
      itemCode: setting.itemCode,
      mode: 'proxy',
      status: 'accepted',
      version: 2,
      deadline: accepted.body.leg.deadline,
      overdue: false,
      warning: true,
    })
    expect(await findListed(admin, 'overdue', caseId)).toBeUndefined()
  })

  it('lists an overdue leg before and after the sweep flags it, and counts the flag in the statistics', async () => {
    const setting = await handoffSetting()
    const home = setting.homes[0]?.id ?? ''
    const { caseId } = await submitCase(setting)
    // Accepted a year ago, as a clock set back makes it: its deadline passed long since.
    const { transition: transitionDeps, supervise } = caseDependencies(localSettings)
    await transitionLeg(
      { ...transitionDeps, clock: () => new Date(Date.now() - 365 * 86_400_000) },
      {
        caseId,
        home,
        request: { action: 'accept', expectedVersion: 1 },
        caller: { participant: home, sub: 'home-system', roles: ['home'] },
      },
    )
    const auditor = await registerParticipant(['auditor'])
    expect(await findListed(auditor, 'overdue', caseId)).toMatchObject({
      home,
      status: 'accepted',
      overdue: true,
    })

    // The sweep, over this leg alone so as not to touch other tests' legs.
    await superviseDeadlines({
      ...supervise,
      deadlines: { dueBy: async () => ({ legs: [{ caseId, home }] }) },
    })
    expect(await findListed(auditor, 'overdue', caseId)).toMatchObject({
      home,
      status: 'accepted',
      overdue: true,
      warning: false,
    })

    await foldUntilCounted(caseId)
    const stats = await groupsOf(setting.homes[0] as Caller, `from=${today()}&to=${today()}&groupBy=home`)
    expect(stats.groups).toEqual([expect.objectContaining({ group: home, submitted: 1, overdue: 1 })])
  })

  it('is for auditors and the admin only', async () => {
    const setting = await handoffSetting()
    for (const caller of [setting.accepting, setting.homes[0] as Caller]) {
      expectProblem(await call('GET', '/v1/supervision/legs?state=overdue', { as: caller }), 403, 'forbidden')
    }
    expectProblem(await call('GET', '/v1/supervision/legs?state=overdue'), 401, 'unauthenticated')
  })

  it.each([
    ['state=late', ['/query/state']],
    ['', ['/query/state']],
    ['state=overdue&limit=0', ['/query/limit']],
    ['state=overdue&cursor=not-a-cursor', ['/query/cursor']],
  ])('refuses %s with 422', async (query, paths) => {
    const answer = await call('GET', `/v1/supervision/legs?${query}`, { as: admin })
    expectProblem(answer, 422, 'validation-failed')
    expect(errorPaths(answer)).toEqual(paths)
  })
})
