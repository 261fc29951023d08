import { beforeAll, describe, expect, it } from 'vitest'
import { CaseSubmission } from '#shared/cases/case.js'
import { caseIdOf, submitCase } from '#shared/cases/submit-case.js'
import { caseEvents, caseItems, inboxItems, type Setting } from '../../support/case-flows.js'
import {
  FaultPlan,
  faultyCaseDependencies,
  InjectedStorageFault,
  inBatches,
  principalOf,
  referenceItem,
  sealedKeys,
} from '../../support/case-stores.js'
import { uniqueId } from '../../support/exchange-client.js'
import { handoffSetting, submission } from '../../support/handoff-fixtures.js'

const plan = new FaultPlan()

let setting: Setting
let body: CaseSubmission

beforeAll(async () => {
  setting = await handoffSetting(2)
  body = CaseSubmission.parse(await submission(setting))
})

const submitAs = (acceptingRef: string, through = plan) =>
  submitCase(faultyCaseDependencies(through).submit, {
    submission: { ...body, acceptingRef },
    caller: principalOf(setting.accepting, ['accepting']),
  })

/** Nothing of the case anywhere: no reference, no case partition, no messages, no events. */
const expectNoTrace = async (caseId: string, acceptingRef: string, step: string) => {
  const [reference, items, events, ...inboxes] = await Promise.all([
    referenceItem(setting.accepting.id, acceptingRef),
    caseItems(caseId),
    caseEvents(caseId),
    ...setting.homes.map((home) => inboxItems(home.id, caseId)),
  ])
  expect({ reference, items, events, inboxes }, step).toEqual({
    reference: undefined,
    items: [],
    events: [],
    inboxes: setting.homes.map(() => []),
  })
}

/** The case written whole, once: case, legs, package, reference, a message per home, one event, sealed files. */
const expectWhole = async (caseId: string, acceptingRef: string, step: string) => {
  const [reference, items, events, sealed, ...inboxes] = await Promise.all([
    referenceItem(setting.accepting.id, acceptingRef),
    caseItems(caseId),
    caseEvents(caseId),
    sealedKeys(caseId),
    ...setting.homes.map((home) => inboxItems(home.id, caseId)),
  ])
  const packageKey = items.find((item) => item.sk?.S?.startsWith('package#'))?.sk?.S ?? ''
  const packageId = packageKey.slice('package#'.length)
  expect(
    {
      reference: reference?.caseId?.S,
      items: items.map((item) => item.sk?.S),
      events: events.map((event) => [event.action, event.details.packageId]),
      inboxes: inboxes.map((messages) =>
        messages.map(({ message }) => [message.type, message.body.packageId]),
      ),
      sealed,
    },
    step,
  ).toEqual({
    reference: caseId,
    items: ['case', ...setting.homes.map((home) => `leg#${home.id}`).sort(), packageKey].sort(),
    events: [['case.submitted', packageId]],
    inboxes: setting.homes.map(() => [['case.submitted', packageId]]),
    sealed: await documentKeys(caseId, packageId),
  })
  expect(packageId, step).toMatch(/^pkg-/)
}

/** The sealed keys a package of the setting's two documents has. */
const documentKeys = async (caseId: string, packageId: string) => {
  const [form, licence] = JSON.parse(
    Buffer.from(body.manifest.split('.')[1] ?? '', 'base64url').toString('utf8'),
  ).documents as { documentId: string }[]
  return [
    `packages/${caseId}/${packageId}/${form?.documentId}`,
    `packages/${caseId}/${packageId}/${licence?.documentId}`,
    `packages/${caseId}/${packageId}/package.json`,
  ].sort()
}

describe('submitCase under storage failures', () => {
  it('leaves no trace when a failure interrupts any step, and a retry then writes the case whole, once', async () => {
    plan.reset()
    const countedRef = uniqueId('ref')
    const counted = await submitAs(countedRef)
    const steps = [...plan.calls]
    await expectWhole(counted.answer.caseId, countedRef, 'the counting run')
    expect(steps).toContain('writer.commit')
    expect(steps.at(-1)).toBe('writer.commit')

    // Each step fails in its own submission, with its own plan, several at a time.
    await inBatches(steps, 6, async (port, index) => {
      const step = `step ${index + 1} of ${steps.length} (${port})`
      const acceptingRef = uniqueId('ref')
      const caseId = caseIdOf(setting.accepting.id, acceptingRef)
      const faults = new FaultPlan()
      faults.reset(index + 1)
      await expect(submitAs(acceptingRef, faults), step).rejects.toBeInstanceOf(InjectedStorageFault)
      await expectNoTrace(caseId, acceptingRef, step)

      faults.reset()
      const retried = await submitAs(acceptingRef, faults)
      expect([retried.created, retried.answer.caseId], step).toEqual([true, caseId])
      await expectWhole(caseId, acceptingRef, step)
    })
  })

  it('answers the retry of a submission whose commit went through but whose answer was lost as the commit did', async () => {
    plan.reset()
    await submitAs(uniqueId('ref'))
    const commitStep = plan.calls.indexOf('writer.commit') + 1
    const acceptingRef = uniqueId('ref')
    const caseId = caseIdOf(setting.accepting.id, acceptingRef)
    plan.reset(commitStep, { after: true })
    await expect(submitAs(acceptingRef)).rejects.toBeInstanceOf(InjectedStorageFault)
    await expectWhole(caseId, acceptingRef, 'the lost answer')
    plan.reset()
    const retried = await submitAs(acceptingRef)
    expect([retried.created, retried.answer.caseId]).toEqual([false, caseId])
    await expectWhole(caseId, acceptingRef, 'the retry')
  })
})
