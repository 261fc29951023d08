import { describe, expect, it } from 'vitest'
import type { SubmissionAnswer } from '#shared/cases/case.js'
import { Action, LegStatus, transitions } from '#shared/cases/leg-status.js'
import type { StoredCase, StoredLeg } from '#shared/cases/stored-case.js'
import { type TransitionDeps, type TransitionRequest, transitionLeg } from '#shared/cases/transition-leg.js'
import type { Calendar } from '#shared/clock/calendar.js'
import { enqueue } from '#shared/inbox/enqueue.js'
import type { MessageType } from '#shared/inbox/inbox-message.js'
import type { SealInput } from '#shared/packages/seal-package.js'
import { packageIdOf, type SealedPackage } from '#shared/packages/sealed-package.js'
import type { Item } from '#shared/registry/item.js'
import type { Principal } from '#shared/trust/principal.js'
import { participantWith, RecordingSigner, sha256Hex } from '../../support/document-fakes.js'
import { InMemoryCaseStore } from '../../support/in-memory-case-store.js'
import { InMemoryInbox } from '../../support/in-memory-inbox.js'
import {
  fixedClock,
  InMemoryStores,
  placeholderAdminJwks,
  sequentialIds,
} from '../../support/in-memory-stores.js'
import { refusalOf } from '../../support/registry-fixtures.js'

const accepting = 'xian-gaoxin'
const home = 'xian-beilin'
const otherHome = 'xian-yanta'
const caseId = 'case-unit-0001'
const itemCode = '610100-tax-registration-change'
const createdAt = '2026-11-20T01:00:00.000Z'
/** Monday 23 November 2026, 10:00 in Beijing. */
const monday = '2026-11-23T02:00:00.000Z'

/** Weekdays only: deadlines in these tests count Monday to Friday. */
const weekdays = {
  calendar: (year: number): Calendar => ({
    year,
    holidays: [],
    workdays: [],
    source: 'weekdays only',
    provisional: false,
  }),
}

const item: Item = {
  code: itemCode,
  name: 'Tax registration change',
  modes: ['online', 'proxy', 'joint'],
  promisedDays: 5,
  statutoryDays: 10,
  dayKind: 'working',
  materials: [],
  version: 1,
  createdAt,
  updatedAt: createdAt,
}

const storedCase = (delivery: StoredCase['delivery']['method'] = 'electronic'): StoredCase => {
  const answer: SubmissionAnswer = {
    caseId,
    acceptingRef: 'XA-2026-000123',
    legs: [
      { home, status: 'submitted', version: 1 },
      { home: otherHome, status: 'submitted', version: 1 },
    ],
    receipt: 'receipt.jwt.here',
  }
  return {
    caseId,
    acceptingRef: 'XA-2026-000123',
    accepting,
    submittedBy: { participant: accepting, sub: 'window-system' },
    itemCode,
    mode: 'joint',
    homes: [home, otherHome],
    personal: { alg: 'A256GCM', wrappedKey: 'k', iv: 'i', ciphertext: 'c', tag: 't' },
    identityCheck: {
      method: 'id-card-reader',
      checkedAt: '2026-11-20T09:00:00+08:00',
      operator: 'window-07',
    },
    originalsChecked: true,
    delivery: { method: delivery },
    applicationPackageId: 'pkg-aaaaaaaaaaaaaaaaaaaaaaaaaa',
    fingerprint: 'f'.repeat(64),
    answer,
    createdAt,
  }
}

const runningClock = { startedAt: '2026-11-20T02:00:00.000Z', deadline: '2026-11-27T23:59:59.999+08:00' }

/** A leg of `home` as it stands in `status`, with the clock that status implies. */
const legIn = (status: LegStatus, extra: Partial<StoredLeg> = {}): StoredLeg => {
  const clock =
    status === 'accepted'
      ? { ...runningClock, dayKind: 'working' as const }
      : status === 'supplement-requested'
        ? { ...runningClock, dayKind: 'working' as const, pausedAt: '2026-11-21T02:00:00.000Z' }
        : ['approved', 'rejected', 'delivered'].includes(status)
          ? { ...runningClock, dayKind: 'working' as const, stoppedAt: '2026-11-21T02:00:00.000Z' }
          : undefined
  return {
    caseId,
    home,
    status,
    version: 3,
    createdAt,
    updatedAt: createdAt,
    packageIds: ['pkg-aaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ...(clock === undefined ? {} : { clock }),
    ...(status === 'supplement-requested'
      ? { beforeSupplement: 'accepted' as const, missing: ['form'] }
      : {}),
    ...extra,
  }
}

/** A case with a leg of `home` in `leg`'s state (and one of `otherHome`, submitted), over in-memory stores. */
const world = (
  leg: StoredLeg,
  options: { delivery?: StoredCase['delivery']['method']; now?: string } = {},
) => {
  const stores = new InMemoryStores()
  const inbox = new InMemoryInbox(stores)
  const cases = new InMemoryCaseStore(inbox)
  const clock = fixedClock(options.now ?? monday)
  const signer = new RecordingSigner()
  const seals: SealInput[] = []
  for (const id of [accepting, home, otherHome]) stores.seed('participant', id, participantWith(id, []))
  stores.seed('item', itemCode, item)
  cases.seed(storedCase(options.delivery), [leg, legIn('submitted', { home: otherHome, version: 1 })])
  const newMessageId = sequentialIds('message')
  const deps: TransitionDeps = {
    writer: cases,
    chains: stores,
    records: stores,
    adminJwks: placeholderAdminJwks,
    clock,
    newEventId: sequentialIds('event'),
    cases,
    vault: {
      seal: () => Promise.reject(new Error('a transition seals no personal data')),
      open: () => Promise.reject(new Error('a transition opens no personal data')),
    },
    signer,
    exchangeId: 'exchange-test',
    seal: async (input) => {
      seals.push(input)
      const manifestSha256 = sha256Hex(input.manifest)
      const sealed = {
        packageId: packageIdOf(input.caseId, manifestSha256),
        caseId: input.caseId,
        purpose: input.purpose,
        manifest: input.manifest,
        manifestSha256,
        seal: 'seal.jwt.here',
        documents: [],
        sealedAt: clock().toISOString(),
        submittedBy: input.submitter.id,
      } satisfies SealedPackage
      return {
        sealed,
        changes: [{ kind: 'put-package', caseId: input.caseId, packageId: sealed.packageId, value: sealed }],
      }
    },
    enqueue: (messages) => enqueue({ inbox, clock, newMessageId }, messages),
    calendar: { records: stores, builtIn: weekdays },
  }
  const as = (participant: string): Principal => ({
    participant,
    sub: 'case-system',
    roles: participant === accepting ? ['accepting'] : ['home'],
  })
  const transition = (caller: string, request: TransitionRequest, legHome = home) =>
    transitionLeg(deps, { caseId, home: legHome, request, caller: as(caller) })
  const messagesTo = (recipient: string) => inbox.of(recipient).map((message) => message.record)
  const events = () => stores.chain(`case#${caseId}`)
  return { deps, stores, inbox, cases, clock, signer, seals, transition, messagesTo, events }
}

/** What each need looks like in a request. */
const needed = {
  reason: { reason: 'the applicant asked to stop' },
  missing: { missing: ['营业执照副本'] },
  manifest: { manifest: 'eyJhbGciOiJFUzI1NiJ9.eyJwdXJwb3NlIjoicmVzdWx0In0.c2lnbmF0dXJl' },
  delivery: { delivery: { method: 'electronic', at: '2026-11-23T10:00:00+08:00' } },
} as const

/** A request for `action` carrying everything it needs. */
const requestFor = (action: Action, expectedVersion = 3): TransitionRequest =>
  Object.assign(
    { action, expectedVersion },
    ...transitions[action].needs.map((need) => needed[need]),
  ) as TransitionRequest

/** Who may perform each action on an electronically delivered case. */
const actorOf = (action: Action) => (transitions[action].by === 'home' ? home : accepting)

/** Which message each action sends and to whom (contract section 7). */
const announced: Record<Action, { type: MessageType; to: string }> = {
  'approve-intake': { type: 'case.intake-approved', to: accepting },
  'reject-intake': { type: 'case.intake-rejected', to: accepting },
  accept: { type: 'case.accepted', to: accepting },
  'request-supplement': { type: 'case.supplement-requested', to: accepting },
  resubmit: { type: 'case.resubmitted', to: home },
  approve: { type: 'case.approved', to: accepting },
  reject: { type: 'case.rejected', to: accepting },
  deliver: { type: 'case.delivered', to: home },
  withdraw: { type: 'case.withdrawn', to: home },
}

const illegal = Action.options.flatMap((action) =>
  LegStatus.options
    .filter((status) => !transitions[action].from.includes(status))
    .map((status) => [action, status] as const),
)

/** Every allowed step and where it leads; resubmit returns to where the leg was before the request. */
type Step = { action: Action; from: LegStatus; before: LegStatus | undefined; to: LegStatus }

const allowed: Step[] = Action.options.flatMap((action) =>
  transitions[action].from.flatMap((from): Step[] => {
    const to = transitions[action].to
    if (to !== 'previous') return [{ action, from, before: undefined, to }]
    return (['submitted', 'accepted'] as const).map((before) => ({ action, from, before, to: before }))
  }),
)

describe('transitionLeg by the transition table', () => {
  it('covers every action and status', () => {
    expect(illegal.length + allowed.filter((step) => step.before !== 'accepted').length).toBe(
      Action.options.length * LegStatus.options.length,
    )
  })

  it.each(illegal)('refuses %s from %s as illegal-transition, changing nothing', async (action, status) => {
    const { transition, cases, events, inbox } = world(legIn(status))
    const refusal = await refusalOf(() => transition(actorOf(action), requestFor(action)))
    expect([refusal.code, refusal.extensions]).toEqual(['illegal-transition', { status }])
    expect(cases.leg(caseId, home)).toEqual(legIn(status))
    expect(cases.legWrites).toEqual([])
    expect(events()).toEqual([])
    expect(inbox.messages.size).toBe(0)
  })

  it.each(allowed)('moves $action from $from (before a supplement: $before) to $to', async (step) => {
    const stated = legIn(step.from, step.before === undefined ? {} : { beforeSupplement: step.before })
    // A supplement requested before acceptance was requested before any clock ran.
    const { clock: _clock, ...unclocked } = stated
    const leg = step.before === 'submitted' ? unclocked : stated
    const { transition, cases, events, messagesTo } = world(leg)
    const answer = await transition(actorOf(step.action), requestFor(step.action))

    expect(answer).toMatchObject({ caseId, home, action: step.action, leg: { status: step.to, version: 4 } })
    expect(cases.leg(caseId, home)).toMatchObject({ status: step.to, version: 4 })
    expect(cases.leg(caseId, otherHome)).toMatchObject({ status: 'submitted', version: 1 })
    expect(events()).toEqual([
      expect.objectContaining({
        action: `leg.${step.action}`,
        actor: { participant: actorOf(step.action), sub: 'case-system' },
        caseId,
        home,
        from: step.from,
        to: step.to,
        version: 4,
      }),
    ])
    const { type, to } = announced[step.action]
    const other = to === home ? accepting : home
    expect(messagesTo(to)).toEqual([
      expect.objectContaining({
        type,
        caseId,
        home,
        version: 4,
        body: expect.objectContaining({ status: step.to }),
      }),
    ])
    expect(messagesTo(other)).toEqual([])
  })
})

describe('transitionLeg needs', () => {
  const withNeeds = Action.options.flatMap((action) =>
    transitions[action].needs.map((need) => [action, need] as const),
  )

  it('names a need for every action the contract gives one', () => {
    expect(Object.fromEntries(Action.options.map((action) => [action, transitions[action].needs]))).toEqual({
      'approve-intake': [],
      'reject-intake': ['reason'],
      accept: [],
      'request-supplement': ['missing'],
      resubmit: ['manifest'],
      approve: ['manifest'],
      reject: ['reason'],
      deliver: ['delivery'],
      withdraw: ['reason'],
    })
  })

  it.each(withNeeds)('refuses %s without %s at /%s, changing nothing', async (action, need) => {
    const from = transitions[action].from[0] ?? 'submitted'
    const { transition, cases, events } = world(legIn(from))
    const { [need]: _omitted, ...request } = requestFor(action)
    const refusal = await refusalOf(() => transition(actorOf(action), request as TransitionRequest))
    expect([refusal.code, refusal.errors?.map((error) => error.path)]).toEqual([
      'validation-failed',
      [`/${need}`],
    ])
    expect(cases.leg(caseId, home)?.version).toBe(3)
    expect(events()).toEqual([])
  })

  it('seals a resubmission as a supplement and a result as a result, for both sides', async () => {
    const supplement = world(legIn('supplement-requested'))
    const resubmitted = await supplement.transition(accepting, requestFor('resubmit'))
    expect(supplement.seals.map((input) => [input.purpose, input.submitter.id, input.audience])).toEqual([
      ['supplement', accepting, [accepting, home]],
    ])
    expect(resubmitted.leg.packageIds).toEqual(['pkg-aaaaaaaaaaaaaaaaaaaaaaaaaa', resubmitted.packageId])

    const decision = world(legIn('accepted'))
    const approved = await decision.transition(home, requestFor('approve'))
    expect(decision.seals.map((input) => [input.purpose, input.submitter.id, input.audience])).toEqual([
      ['result', home, [accepting, home]],
    ])
    expect(approved.leg.resultPackageId).toBe(approved.packageId)
    expect(decision.messagesTo(accepting)[0]?.body).toEqual({
      status: 'approved',
      packageId: approved.packageId,
    })
  })
})

describe('transitionLeg sides', () => {
  it.each(Action.options)('forbids %s to the other side of the case', async (action) => {
    const from = transitions[action].from[0] ?? 'submitted'
    const { transition, events } = world(legIn(from))
    const wrongSide = actorOf(action) === home ? accepting : home
    expect((await refusalOf(() => transition(wrongSide, requestFor(action)))).code).toBe('forbidden')
    expect(events()).toEqual([])
  })

  it('lets the home deliver what is picked up at the home, and not the accepting window', async () => {
    const { transition, cases, messagesTo } = world(legIn('approved'), { delivery: 'pickup-home' })
    const request = requestFor('deliver')
    expect((await refusalOf(() => transition(accepting, request))).code).toBe('forbidden')
    const answer = await transition(home, request)
    expect(answer.leg).toMatchObject({ status: 'delivered', version: 4, delivered: needed.delivery.delivery })
    expect(cases.leg(caseId, home)?.status).toBe('delivered')
    expect(messagesTo(home)).toEqual([])
    expect(messagesTo(accepting).map((message) => message.type)).toEqual(['case.delivered'])
  })

  it('forbids the other side a request that repeats one already applied', async () => {
    const { transition, events } = world(legIn('submitted'))
    const request = requestFor('reject-intake')
    await transition(home, request)
    const refusal = await refusalOf(() => transition(accepting, request))
    expect(refusal.code).toBe('forbidden')
    expect(events()).toHaveLength(1)
  })

  it.each(['electronic', 'mail', 'pickup-accepting'] as const)(
    'lets only the accepting window deliver a %s delivery',
    async (delivery) => {
      const { transition } = world(legIn('rejected'), { delivery })
      expect((await refusalOf(() => transition(home, requestFor('deliver')))).code).toBe('forbidden')
      expect((await transition(accepting, requestFor('deliver'))).leg.status).toBe('delivered')
    },
  )

  it("answers not-found to a stranger and to a home acting on another home's leg", async () => {
    const { transition, events } = world(legIn('submitted'))
    for (const [caller, legHome] of [
      ['xian-lianhu', home],
      [otherHome, home],
      [home, otherHome],
    ] as const) {
      const refusal = await refusalOf(() => transition(caller, requestFor('accept'), legHome))
      expect(refusal.code, `${caller} on ${legHome}`).toBe('not-found')
    }
    expect((await refusalOf(() => transition(home, requestFor('accept'), 'xian-weiyang'))).code).toBe(
      'not-found',
    )
    expect(events()).toEqual([])
  })
})

describe('transitionLeg versions', () => {
  it('refuses a stale expectedVersion with the current version', async () => {
    const { transition } = world(legIn('submitted'))
    const refusal = await refusalOf(() => transition(home, requestFor('accept', 2)))
    expect([refusal.code, refusal.extensions]).toEqual(['version-conflict', { currentVersion: 3 }])
  })

  it('answers a retried request the same, without applying it again', async () => {
    const { transition, cases, events, messagesTo } = world(legIn('submitted'))
    const request = requestFor('reject-intake')
    const first = await transition(home, request)
    const again = await transition(home, request)
    expect(again).toEqual(first)
    expect(cases.legWrites).toHaveLength(1)
    expect(events()).toHaveLength(1)
    expect(messagesTo(accepting)).toHaveLength(1)
    const changed = await refusalOf(() => transition(home, { ...request, reason: 'another reason' }))
    expect([changed.code, changed.extensions]).toEqual(['version-conflict', { currentVersion: 4 }])
  })
})

describe('transitionLeg clock', () => {
  it('issues the proxy-receipt notice on approve-intake, addressed to the accepting window', async () => {
    const { transition, signer, messagesTo } = world(legIn('submitted'))
    const answer = await transition(home, requestFor('approve-intake'))
    expect(signer.signed).toEqual([
      {
        typ: 'exchange-notice+jwt',
        claims: {
          iss: 'exchange-test',
          iat: Date.parse(monday) / 1000,
          aud: accepting,
          caseId,
          home,
          acceptingRef: 'XA-2026-000123',
          itemCode,
        },
      },
    ])
    expect(answer.leg.notice).toEqual(expect.any(String))
    expect(messagesTo(accepting)[0]?.body).toEqual({ status: 'intake-approved', notice: answer.leg.notice })
  })

  it('starts the clock on accept: the promised working days after the day of acceptance', async () => {
    const { transition, cases, messagesTo } = world(legIn('intake-approved'))
    const answer = await transition(home, requestFor('accept'))
    // Monday 23rd does not count; Tue 24 to Fri 27 and Mon 30 do.
    const deadline = '2026-11-30T23:59:59.999+08:00'
    expect(answer.leg).toMatchObject({ status: 'accepted', deadline, overdue: false, warning: false })
    expect(cases.leg(caseId, home)?.clock).toEqual({ startedAt: monday, deadline, dayKind: 'working' })
    expect(cases.legWrites.map((write) => write.deadline)).toEqual([deadline])
    expect(messagesTo(accepting)[0]?.body).toEqual({ status: 'accepted', deadline })
  })

  it('does not count the days a supplement request paused the clock', async () => {
    const { transition, clock, cases } = world(legIn('submitted'))
    await transition(home, requestFor('accept'))
    clock.advance(2 * 86_400) // Wednesday 25th
    const paused = await transition(home, { ...requestFor('request-supplement', 4) })
    expect(paused.leg).toMatchObject({
      status: 'supplement-requested',
      deadline: '2026-11-30T23:59:59.999+08:00',
      overdue: false,
      warning: false,
      missing: ['营业执照副本'],
    })
    expect(cases.legWrites.at(-1)?.deadline).toBeUndefined()
    clock.advance(5 * 86_400) // Monday 30th: Thu 26, Fri 27 and Mon 30 were spent waiting
    const resumed = await transition(accepting, requestFor('resubmit', 5))
    expect(resumed.leg).toMatchObject({ status: 'accepted', deadline: '2026-12-03T23:59:59.999+08:00' })
    expect(resumed.leg).not.toHaveProperty('missing')
    expect(cases.legWrites.at(-1)?.deadline).toBe('2026-12-03T23:59:59.999+08:00')
  })

  it('refuses a second supplement request on a leg: everything missing is asked for once', async () => {
    const { transition, cases, events } = world(legIn('accepted'))
    await transition(home, requestFor('request-supplement'))
    await transition(accepting, requestFor('resubmit', 4))
    const again = await refusalOf(() => transition(home, requestFor('request-supplement', 5)))
    expect([again.code, again.extensions]).toEqual(['illegal-transition', { status: 'accepted' }])
    expect(cases.leg(caseId, home)).toMatchObject({ status: 'accepted', version: 5 })
    expect(events().map((event) => event.action)).toEqual(['leg.request-supplement', 'leg.resubmit'])
  })

  it('resumes a supplement requested before acceptance without a clock', async () => {
    const { transition, cases } = world(legIn('submitted'))
    await transition(home, requestFor('request-supplement'))
    const resumed = await transition(accepting, requestFor('resubmit', 4))
    expect(resumed.leg).toMatchObject({ status: 'submitted', version: 5, overdue: false, warning: false })
    expect(resumed.leg).not.toHaveProperty('deadline')
    expect(cases.leg(caseId, home)).not.toHaveProperty('clock')
  })

  it.each([
    ['approve', 'approved'],
    ['reject', 'rejected'],
    ['withdraw', 'withdrawn'],
  ] as const)(
    'stops the clock for good on %s and takes the leg out of the deadline index',
    async (action, to) => {
      const { transition, cases } = world(legIn('accepted'), { now: '2026-11-25T02:00:00.000Z' })
      const answer = await transition(actorOf(action), requestFor(action))
      expect(answer.leg).toMatchObject({ status: to, overdue: false, warning: false })
      expect(cases.leg(caseId, home)?.clock?.stoppedAt).toBe('2026-11-25T02:00:00.000Z')
      expect(cases.legWrites.map((write) => write.deadline)).toEqual([undefined])
    },
  )

  it('keeps a leg decided after its deadline overdue', async () => {
    const { transition } = world(legIn('accepted'), { now: '2026-12-10T02:00:00.000Z' })
    const answer = await transition(actorOf('approve'), requestFor('approve'))
    expect(answer.leg).toMatchObject({ status: 'approved', overdue: true, warning: false })
  })
})
