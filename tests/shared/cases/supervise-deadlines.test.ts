import { beforeAll, describe, expect, it } from 'vitest'
import { getCase } from '#shared/cases/case-view.js'
import { superviseDeadlines } from '#shared/cases/supervise-deadlines.js'
import { type TransitionRequest, transitionLeg } from '#shared/cases/transition-leg.js'
import { deadlineOf, legTiming } from '#shared/clock/deadline.js'
import { withCalendars } from '#shared/clock/read-calendar.js'
import { caseEvents, inboxItems, type Leg, type Setting, submitCase } from '../../support/case-flows.js'
import { localCases, principalOf } from '../../support/case-stores.js'
import { handoffSetting } from '../../support/handoff-fixtures.js'
import { fixedClock } from '../../support/in-memory-stores.js'

const built = localCases()

/** Monday 2 November 2026, 10:00 in Beijing: a week without holidays follows. */
const monday = '2026-11-02T02:00:00.000Z'
/** Five working days after the Monday: the end of Monday 9 November, Beijing time. */
const deadline = '2026-11-09T23:59:59.999+08:00'

let setting: Setting
let caseId: string
/** The legs under watch: each sweep sees only the ones named (other files' legs stay untouched). */
const watched = new Set<string>()
/** Every leg of this case the deadline index handed the last sweep. */
let indexed: string[] = []

const clock = fixedClock(monday)
const supervise = {
  ...built.supervise,
  clock,
  deadlines: {
    dueBy: async (cutoff: string, page: { limit: number; after?: string }) => {
      const found = await built.supervise.deadlines.dueBy(cutoff, page)
      const mine = found.legs.filter((leg) => leg.caseId === caseId)
      indexed.push(...mine.map((leg) => leg.home))
      return { ...found, legs: mine.filter((leg) => watched.has(leg.home)) }
    },
  },
}

const sweepAt = async (at: string, legs: string[]) => {
  clock.advance((Date.parse(at) - clock().getTime()) / 1000)
  watched.clear()
  for (const leg of legs) watched.add(leg)
  indexed = []
  return superviseDeadlines(supervise)
}

const home = (index: number) => {
  const found = setting.homes[index]
  if (found === undefined) throw new Error(`no home ${index}`)
  return found
}

const move = (index: number, request: TransitionRequest) =>
  transitionLeg(
    { ...built.transition, clock },
    { caseId, home: home(index).id, request, caller: principalOf(home(index), ['home']) },
  )

/** The deadline notices of one leg: how many each side got, and the events recording them. */
const noticesOf = async (index: number) => {
  const leg = home(index).id
  const [toAccepting, toHome, events] = await Promise.all([
    inboxItems(setting.accepting.id, caseId),
    inboxItems(leg, caseId),
    caseEvents(caseId),
  ])
  const count = (messages: typeof toHome, type: string) =>
    messages.filter(({ message }) => message.home === leg && message.type === type).length
  return {
    warnings: [count(toAccepting, 'case.deadline-warning'), count(toHome, 'case.deadline-warning')],
    overdue: [count(toAccepting, 'case.overdue'), count(toHome, 'case.overdue')],
    events: events
      .filter((event) => event.home === leg && ['leg.warning', 'leg.overdue'].includes(event.action))
      .map((event) => event.action),
  }
}

const nothing = { warnings: [0, 0], overdue: [0, 0], events: [] }

beforeAll(async () => {
  setting = await handoffSetting(4)
  caseId = (await submitCase(setting)).caseId
  for (const index of [0, 1, 2, 3]) {
    const answer = await move(index, { action: 'accept', expectedVersion: 1 })
    expect(answer.leg.deadline).toBe(deadline)
  }
  clock.advance(86_400) // Tuesday 3 November
  await move(1, { action: 'request-supplement', expectedVersion: 2, missing: ['licence'] })
  await move(2, { action: 'reject', expectedVersion: 2, reason: 'outside the remit' })
})

describe('superviseDeadlines', () => {
  it('warns both sides once on the last working day, then raises overdue once, then lets the leg go', async () => {
    const raised = home(0).id
    expect(await sweepAt('2026-11-05T02:00:00.000Z', [raised])).toEqual({ warnings: 0, overdue: 0 })
    expect(await noticesOf(0)).toEqual(nothing)

    // Friday 6th: Monday 9th is the one working day left.
    expect(await sweepAt('2026-11-06T02:00:00.000Z', [raised])).toEqual({ warnings: 1, overdue: 0 })
    expect(await sweepAt('2026-11-06T08:00:00.000Z', [raised])).toEqual({ warnings: 0, overdue: 0 })
    expect(await noticesOf(0)).toEqual({ warnings: [1, 1], overdue: [0, 0], events: ['leg.warning'] })

    expect(await sweepAt('2026-11-10T02:00:00.000Z', [raised])).toEqual({ warnings: 0, overdue: 1 })
    expect(await sweepAt('2026-11-10T03:00:00.000Z', [raised])).toEqual({ warnings: 0, overdue: 0 })
    expect(await noticesOf(0)).toEqual({
      warnings: [1, 1],
      overdue: [1, 1],
      events: ['leg.warning', 'leg.overdue'],
    })
    expect(indexed).not.toContain(raised)

    const leg = (await built.read.cases.load(caseId))?.legs.find((candidate) => candidate.home === raised)
    expect(leg).toMatchObject({ status: 'accepted', version: 4, warningRaised: true, overdueRaised: true })
    const seen = await getCase({ ...built.read, clock }, { caseId, caller: principalOf(home(0), ['home']) })
    expect(seen.legs.find((candidate) => candidate.home === raised)).toMatchObject({
      deadline,
      overdue: true,
      warning: false,
    })
    const overHttp = await setting.homeSessions[0]?.send<{ legs: Leg[] }>('GET', `/v1/cases/${caseId}`)
    expect(overHttp?.body.legs.find((candidate) => candidate.home === raised)).toMatchObject({
      overdue: true,
    })
  })

  it('raises only overdue for a leg first swept after its deadline', async () => {
    const late = home(3).id
    expect(await sweepAt('2026-11-11T02:00:00.000Z', [late])).toEqual({ warnings: 0, overdue: 1 })
    expect(await sweepAt('2026-11-11T03:00:00.000Z', [late])).toEqual({ warnings: 0, overdue: 0 })
    expect(await noticesOf(3)).toEqual({ warnings: [0, 0], overdue: [1, 1], events: ['leg.overdue'] })
  })

  it('never raises a leg paused by a supplement request or one decided', async () => {
    const [paused, decided] = [home(1).id, home(2).id]
    for (const at of ['2026-11-06T02:00:00.000Z', '2026-11-10T02:00:00.000Z', '2026-12-31T02:00:00.000Z']) {
      expect(await sweepAt(at, [paused, decided]), at).toEqual({ warnings: 0, overdue: 0 })
      expect(indexed, at).not.toContain(paused)
      expect(indexed, at).not.toContain(decided)
    }
    expect(await noticesOf(1)).toEqual(nothing)
    expect(await noticesOf(2)).toEqual(nothing)
    const legs = (await built.read.cases.load(caseId))?.legs ?? []
    expect(legs.find((leg) => leg.home === paused)).toMatchObject({
      status: 'supplement-requested',
      version: 3,
    })
    expect(legs.find((leg) => leg.home === decided)).toMatchObject({ status: 'rejected', version: 3 })
  })
})

describe('GET /v1/cases/{caseId} deadline flags', () => {
  it('shows warning and overdue as legTiming has them now', async () => {
    const joint = await handoffSetting(3)
    const id = (await submitCase(joint)).caseId
    const now = Date.now()
    const deadlineFrom = (startedAt: string) =>
      withCalendars(built.read.calendar, (calendars) =>
        deadlineOf({ startedAt, days: 5, dayKind: 'working' }, calendars),
      )
    const timingAt = (due: string, at: string) =>
      withCalendars(built.read.calendar, (calendars) => legTiming(due, at, calendars))
    // The latest start whose deadline warns now: found by walking back a day at a time.
    let warnedStart: string | undefined
    for (let days = 1; days <= 14 && warnedStart === undefined; days++) {
      const startedAt = new Date(now - days * 86_400_000).toISOString()
      if ((await timingAt(await deadlineFrom(startedAt), new Date(now).toISOString())).warning)
        warnedStart = startedAt
    }
    const starts = [
      new Date(now).toISOString(),
      warnedStart ?? '',
      new Date(now - 30 * 86_400_000).toISOString(),
    ]
    for (const [index, startedAt] of starts.entries()) {
      const caller = joint.homes[index]
      if (caller === undefined) throw new Error('no home')
      await transitionLeg(
        { ...built.transition, clock: () => new Date(startedAt) },
        {
          caseId: id,
          home: caller.id,
          request: { action: 'accept', expectedVersion: 1 },
          caller: principalOf(caller, ['home']),
        },
      )
    }
    const { body } = await joint.window.send<{ legs: Leg[] }>('GET', `/v1/cases/${id}`)
    const at = new Date().toISOString()
    for (const leg of body.legs) {
      expect({ overdue: leg.overdue, warning: leg.warning }, leg.home).toEqual(
        await timingAt(leg.deadline ?? '', at),
      )
    }
    expect(body.legs.map((leg) => [leg.overdue, leg.warning])).toEqual([
      [false, false],
      [false, true],
      [true, false],
    ])
  })
})
