import { beforeAll, describe, expect, it } from 'vitest'
import { CaseSubmission } from '#shared/cases/case.js'
import { submitCase } from '#shared/cases/submit-case.js'
import { type TransitionRequest, transitionLeg } from '#shared/cases/transition-leg.js'
import { caseEvents, caseItems, inboxItems, type Setting } from '../../support/case-flows.js'
import {
  FaultPlan,
  faultyCaseDependencies,
  InjectedStorageFault,
  inBatches,
  localCases,
  principalOf,
} from '../../support/case-stores.js'
import { uniqueId } from '../../support/exchange-client.js'
import { handoffSetting, scan, submission } from '../../support/handoff-fixtures.js'

const plan = new FaultPlan()
const deps = faultyCaseDependencies(plan)
const { read, submit, transition } = localCases()

let setting: Setting
let homeId: string
let body: CaseSubmission
/** The home's result manifest, signed over a document it uploaded; every approval here seals it. */
let result: string

beforeAll(async () => {
  setting = await handoffSetting()
  homeId = setting.homes[0]?.id ?? ''
  body = CaseSubmission.parse(await submission(setting))
  const session = setting.homeSessions[0]
  if (session === undefined) throw new Error('no home')
  result = await session.manifest('result', await session.upload([scan('decision.pdf')]))
})

const move = (through: typeof deps.transition, caseId: string, request: TransitionRequest) => {
  const home = setting.homes[0]
  if (home === undefined) throw new Error('no home')
  return transitionLeg(through, { caseId, home: home.id, request, caller: principalOf(home, ['home']) })
}

/** `count` fresh cases of the setting, their legs moved through `before` without faults. */
const freshCases = async (count: number, before: TransitionRequest[] = []) => {
  const ids: string[] = []
  await inBatches(
    Array.from({ length: count }, () => uniqueId('ref')),
    6,
    async (acceptingRef) => {
      const { answer } = await submitCase(submit, {
        submission: { ...body, acceptingRef },
        caller: principalOf(setting.accepting, ['accepting']),
      })
      for (const request of before) await move(transition, answer.caseId, request)
      ids.push(answer.caseId)
    },
  )
  return ids
}

/** What the store holds of the leg and of what the action sends and records about it. */
const traceOf = async (caseId: string, action: string, type: string) => {
  const [record, events, messages] = await Promise.all([
    read.cases.load(caseId),
    caseEvents(caseId),
    inboxItems(setting.accepting.id, caseId),
  ])
  const leg = record?.legs.find((candidate) => candidate.home === homeId)
  return {
    status: leg?.status,
    version: leg?.version,
    events: events.filter((event) => event.action === `leg.${action}`).length,
    messages: messages.filter(({ message }) => message.type === type).length,
  }
}

/**
 * Fails `request` at every step it takes, each on a leg of its own: the leg stays as it was (same
 * version, no message, no event), and the retry without faults applies it once.
 */
const failEveryStep = async (
  request: TransitionRequest,
  before: TransitionRequest[],
  from: { status: string; version: number },
  to: string,
  type: string,
) => {
  const [counting] = await freshCases(1, before)
  plan.reset()
  await move(deps.transition, counting ?? '', request)
  const steps = [...plan.calls]
  expect(steps.at(-1)).toBe('writer.commit')

  const cases = await freshCases(steps.length, before)
  for (const [index, port] of steps.entries()) {
    const step = `step ${index + 1} of ${steps.length} (${port})`
    const caseId = cases[index] ?? ''
    const untouched = { ...from, events: 0, messages: 0 }
    expect(await traceOf(caseId, request.action, type), step).toEqual(untouched)
    plan.reset(index + 1)
    await expect(move(deps.transition, caseId, request), step).rejects.toBeInstanceOf(InjectedStorageFault)
    expect(await traceOf(caseId, request.action, type), step).toEqual(untouched)

    plan.reset()
    const answer = await move(deps.transition, caseId, request)
    expect(answer.leg, step).toMatchObject({ status: to, version: from.version + 1 })
    expect(await traceOf(caseId, request.action, type), step).toEqual({
      status: to,
      version: from.version + 1,
      events: 1,
      messages: 1,
    })
  }
  return { steps, cases }
}

describe('transitionLeg under storage failures', () => {
  it('leaves an accept that fails at any step unapplied, and applies its retry once', async () => {
    const { steps } = await failEveryStep(
      { action: 'accept', expectedVersion: 1 },
      [],
      { status: 'submitted', version: 1 },
      'accepted',
      'case.accepted',
    )
    expect(steps).toEqual(expect.arrayContaining(['cases.load', 'records.get', 'enqueue', 'chains.head']))
  })

  it('leaves an approval with a result manifest that fails at any step unapplied, and applies its retry once', async () => {
    const { steps, cases } = await failEveryStep(
      { action: 'approve', expectedVersion: 2, manifest: result },
      [{ action: 'accept', expectedVersion: 1 }],
      { status: 'accepted', version: 2 },
      'approved',
      'case.approved',
    )
    expect(steps).toEqual(
      expect.arrayContaining(['seal', 'verifier.verify', 'documents.copyToSealed', 'signer.sign']),
    )
    for (const caseId of cases) {
      const record = await read.cases.load(caseId)
      const packages = (await caseItems(caseId)).flatMap((item) =>
        item.sk?.S?.startsWith('package#') ? [item.sk.S.slice('package#'.length)] : [],
      )
      // The application package and the result package, each once.
      expect(packages.sort()).toEqual(
        [record?.case.applicationPackageId, record?.legs[0]?.resultPackageId].sort(),
      )
    }
  })

  it('answers the retry of an approval whose commit went through but whose answer was lost as the commit did', async () => {
    const [caseId = ''] = await freshCases(1, [{ action: 'accept', expectedVersion: 1 }])
    const request: TransitionRequest = { action: 'approve', expectedVersion: 2, manifest: result }
    const applied = { status: 'approved', version: 3, events: 1, messages: 1 }
    plan.failFirst('writer.commit', { after: true })
    await expect(move(deps.transition, caseId, request)).rejects.toBeInstanceOf(InjectedStorageFault)
    expect(await traceOf(caseId, 'approve', 'case.approved')).toEqual(applied)

    plan.reset()
    const retried = await move(deps.transition, caseId, request)
    expect(retried.leg).toMatchObject({ status: 'approved', version: 3 })
    const leg = (await read.cases.load(caseId))?.legs[0]
    expect(retried.packageId).toBe(leg?.resultPackageId)
    expect(await traceOf(caseId, 'approve', 'case.approved')).toEqual(applied)
  })
})
