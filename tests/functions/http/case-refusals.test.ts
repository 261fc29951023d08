import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  caseEvents,
  inboxItems,
  legOf,
  pathsOf,
  refusal,
  type Setting,
  submitCase,
  transition,
} from '../../support/case-flows.js'
import { admin, call, registerParticipant, uniqueId } from '../../support/exchange-client.js'
import { handoffSetting, scan, sessionOf, submission } from '../../support/handoff-fixtures.js'
import { putBytes, signManifestAs } from '../../support/local-documents.js'

const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** The setting most refusals share: one window, one home, an item and an agreement. */
let setting: Setting
let homeId: string

beforeAll(async () => {
  setting = await handoffSetting()
  homeId = setting.homes[0]?.id ?? ''
})

const home = () => {
  const session = setting.homeSessions[0]
  if (session === undefined) throw new Error('no home')
  return session
}

describe('a case outside the caller', () => {
  it('answers 404 to a participant not party to it, reading or transitioning it', async () => {
    const { caseId } = await submitCase(setting)
    const stranger = sessionOf(await registerParticipant(['accepting', 'home']))
    const read = await refusal(stranger.send('GET', `/v1/cases/${caseId}`))
    expect([read.status, read.code]).toEqual([404, 'not-found'])
    const moved = await refusal(
      transition(stranger, caseId, homeId, { action: 'accept', expectedVersion: 1 }),
    )
    expect([moved.status, moved.code]).toEqual([404, 'not-found'])
    expect((await legOf(home(), caseId, homeId)).version).toBe(1)
  })

  it("answers 404 to a home acting on another home's leg of a joint case", async () => {
    const joint = await handoffSetting(2)
    const [first, second] = joint.homes
    const [, secondSession] = joint.homeSessions
    if (first === undefined || second === undefined || secondSession === undefined)
      throw new Error('no homes')
    const { caseId } = await submitCase(joint)
    const problem = await refusal(
      transition(secondSession, caseId, first.id, { action: 'approve-intake', expectedVersion: 1 }),
    )
    expect([problem.status, problem.code]).toEqual([404, 'not-found'])
    const unknownLeg = await refusal(
      transition(secondSession, caseId, uniqueId('p'), { action: 'approve-intake', expectedVersion: 1 }),
    )
    expect([unknownLeg.status, unknownLeg.code]).toEqual([404, 'not-found'])
    expect((await legOf(secondSession, caseId, first.id)).version).toBe(1)
  })

  it('forbids the accepting window a home action and a home an accepting action', async () => {
    const { caseId } = await submitCase(setting)
    const byWindow = await refusal(
      transition(setting.window, caseId, homeId, { action: 'accept', expectedVersion: 1 }),
    )
    expect([byWindow.status, byWindow.code]).toEqual([403, 'forbidden'])
    const byHome = await refusal(
      transition(home(), caseId, homeId, { action: 'withdraw', expectedVersion: 1, reason: 'by mistake' }),
    )
    expect([byHome.status, byHome.code]).toEqual([403, 'forbidden'])
    expect(await legOf(home(), caseId, homeId)).toMatchObject({ status: 'submitted', version: 1 })
    const request = { action: 'approve-intake', expectedVersion: 1 }
    await transition(home(), caseId, homeId, request)
    const repeated = await refusal(transition(setting.window, caseId, homeId, request))
    expect([repeated.status, repeated.code]).toEqual([403, 'forbidden'])
  })
})

describe('leg versions', () => {
  it('refuses a stale or future expectedVersion with 409 and the current version', async () => {
    const { caseId } = await submitCase(setting)
    await transition(home(), caseId, homeId, { action: 'approve-intake', expectedVersion: 1 })
    for (const expectedVersion of [1, 3]) {
      const problem = await refusal(transition(home(), caseId, homeId, { action: 'accept', expectedVersion }))
      expect([problem.status, problem.code, problem.body.currentVersion]).toEqual([
        409,
        'version-conflict',
        2,
      ])
    }
  })

  it('applies exactly one of 20 concurrent transitions from one version', async () => {
    const { caseId } = await submitCase(setting)
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        transition(home(), caseId, homeId, {
          action: 'request-supplement',
          expectedVersion: 1,
          missing: [`material-${index}`],
        }).then(
          (answer) => ({ status: answer.status, code: undefined, body: answer.body }),
          (problem: { status: number; code: string; body: Record<string, unknown> }) => ({
            status: problem.status,
            code: problem.code,
            body: problem.body,
          }),
        ),
      ),
    )
    const applied = answers.filter((answer) => answer.status === 200)
    expect(applied).toHaveLength(1)
    expect(
      answers.filter((answer) => answer.status !== 200).map((answer) => [answer.status, answer.code]),
    ).toEqual(Array.from({ length: 19 }, () => [409, 'version-conflict']))
    const winner = (applied[0]?.body as { leg: { missing: string[] } } | undefined)?.leg.missing
    expect(await legOf(home(), caseId, homeId)).toMatchObject({
      status: 'supplement-requested',
      version: 2,
      missing: winner,
    })
    const events = (await caseEvents(caseId)).filter((event) => event.action.startsWith('leg.'))
    expect(events.map((event) => [event.action, event.version])).toEqual([['leg.request-supplement', 2]])
    const messages = await inboxItems(setting.accepting.id, caseId)
    expect(messages.map(({ message }) => [message.type, message.version, message.body.missing])).toEqual([
      ['case.supplement-requested', 2, winner],
    ])
  })

  it('answers a retried transition that already applied with 200 and the same body', async () => {
    const { caseId } = await submitCase(setting)
    const request = { action: 'reject-intake', expectedVersion: 1, reason: 'not our district' }
    const first = await transition(home(), caseId, homeId, request)
    const again = await transition(home(), caseId, homeId, request)
    expect([first.status, again.status]).toEqual([200, 200])
    expect(again.body).toEqual(first.body)
    expect(await legOf(home(), caseId, homeId)).toMatchObject({ status: 'intake-rejected', version: 2 })
    expect((await caseEvents(caseId)).map((event) => event.action)).toEqual([
      'case.submitted',
      'leg.reject-intake',
    ])
  })

  it('makes one case of one submission sent twice at once', async () => {
    const body = await submission(setting)
    const answers = await Promise.all([
      setting.window.send<{ caseId: string }>('POST', '/v1/cases', body),
      setting.window.send<{ caseId: string }>('POST', '/v1/cases', body),
    ])
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 201])
    expect(answers[1]?.body).toEqual(answers[0]?.body)
    const caseId = answers[0]?.body.caseId ?? ''
    expect((await caseEvents(caseId)).map((event) => event.action)).toEqual(['case.submitted'])
    expect((await inboxItems(homeId, caseId)).map(({ message }) => message.type)).toEqual(['case.submitted'])
  })
})

describe('manifests', () => {
  const documents = () => setting.window.upload([scan('form.pdf', 'form'), scan('licence.pdf', 'licence')])

  it('refuses a manifest signed with the key of another participant with 422 document-mismatch', async () => {
    const other = await registerParticipant(['accepting'])
    const listed = await documents()
    for (const key of [other.jwk, { ...other.jwk, kid: setting.accepting.jwk.kid ?? '' }]) {
      const manifest = await signManifestAs(setting.accepting, 'application', listed, {}, key)
      const problem = await refusal(
        setting.window.send('POST', '/v1/cases', await submission(setting, { manifest })),
      )
      expect([problem.status, problem.code, pathsOf(problem)]).toEqual([
        422,
        'document-mismatch',
        ['/manifest'],
      ])
    }
  })

  it('refuses a manifest listing a document someone else uploaded, or one never uploaded', async () => {
    const other = sessionOf(await registerParticipant(['accepting']))
    const [theirs] = await other.upload([scan('form.pdf', 'form')])
    const [form, licence] = await documents()
    if (theirs === undefined || form === undefined || licence === undefined) throw new Error('no uploads')
    const neverUploaded = { ...licence, documentId: randomUUID() }
    for (const [listed, path] of [
      [[theirs, licence], '/manifest/documents/0/documentId'],
      [[form, neverUploaded], '/manifest/documents/1/documentId'],
    ] as const) {
      const manifest = await setting.window.manifest('application', [...listed])
      const problem = await refusal(
        setting.window.send('POST', '/v1/cases', await submission(setting, { manifest })),
      )
      expect([problem.status, problem.code, pathsOf(problem)]).toEqual([422, 'document-mismatch', [path]])
    }
  })

  it('refuses bytes that are not the ones declared, though the local S3 took them', async () => {
    const declared = randomBytes(1024)
    const sent = randomBytes(1024)
    const [, licence] = await documents()
    const slots = await setting.window.send<{ uploads: { documentId: string }[] }>('POST', '/v1/uploads', {
      files: [{ name: 'form.pdf', contentType: 'application/pdf', size: 1024, sha256: sha256Hex(declared) }],
    })
    const [slot] = slots.body.uploads
    if (slot === undefined) throw new Error('no upload slot')
    expect((await putBytes(slot, sent)).ok).toBe(true)
    const form = {
      documentId: slot.documentId,
      name: 'form.pdf',
      contentType: 'application/pdf',
      size: 1024,
      sha256: sha256Hex(declared),
      material: 'form',
    }
    const manifest = await setting.window.manifest('application', [
      form,
      ...(licence === undefined ? [] : [licence]),
    ])
    const problem = await refusal(
      setting.window.send('POST', '/v1/cases', await submission(setting, { manifest })),
    )
    expect([problem.status, problem.code, pathsOf(problem)]).toEqual([
      422,
      'document-mismatch',
      ['/manifest/documents/0/sha256'],
    ])
  })

  it('refuses a second supplement request on a leg with 409 illegal-transition', async () => {
    const { caseId } = await submitCase(setting)
    await transition(home(), caseId, homeId, { action: 'accept', expectedVersion: 1 })
    await transition(home(), caseId, homeId, {
      action: 'request-supplement',
      expectedVersion: 2,
      missing: ['form'],
    })
    const supplement = await setting.window.manifest(
      'supplement',
      await setting.window.upload([scan('form.pdf')]),
    )
    await transition(setting.window, caseId, homeId, {
      action: 'resubmit',
      expectedVersion: 3,
      manifest: supplement,
    })
    const again = await refusal(
      transition(home(), caseId, homeId, {
        action: 'request-supplement',
        expectedVersion: 4,
        missing: ['licence'],
      }),
    )
    expect([again.status, again.code]).toEqual([409, 'illegal-transition'])
    expect(await legOf(home(), caseId, homeId)).toMatchObject({ status: 'accepted', version: 4 })
  })

  it('refuses a resubmission without a manifest at /manifest', async () => {
    const { caseId } = await submitCase(setting)
    await transition(home(), caseId, homeId, {
      action: 'request-supplement',
      expectedVersion: 1,
      missing: ['form'],
    })
    const problem = await refusal(
      transition(setting.window, caseId, homeId, { action: 'resubmit', expectedVersion: 2 }),
    )
    expect([problem.status, problem.code, pathsOf(problem)]).toEqual([
      422,
      'validation-failed',
      ['/manifest'],
    ])
    expect((await legOf(home(), caseId, homeId)).version).toBe(2)
  })
})

describe('the handoff', () => {
  /** A home of its own, under `agreement` (none when undefined) with the setting's window. */
  const homeUnder = async (agreement: Record<string, unknown> | undefined) => {
    const other = await registerParticipant(['home'])
    if (agreement !== undefined) {
      const answer = await call('PUT', `/v1/agreements/${uniqueId('agreement')}`, {
        as: admin,
        body: { parties: [setting.accepting.id, other.id], items: [setting.itemCode], ...agreement },
      })
      expect(answer.status).toBe(201)
    }
    return other
  }

  it.each([
    ['no agreement', undefined],
    [
      'an expired agreement',
      { validFrom: '2020-01-01T00:00:00+08:00', validUntil: '2021-01-01T00:00:00+08:00' },
    ],
    ['an agreement not yet valid', { validFrom: '2099-01-01T00:00:00+08:00' }],
  ])('refuses a home with %s with 422 no-agreement', async (_, agreement) => {
    const other = await homeUnder(agreement)
    const problem = await refusal(
      setting.window.send('POST', '/v1/cases', await submission(setting, { homes: [other.id] })),
    )
    expect([problem.status, problem.code, pathsOf(problem)]).toEqual([422, 'no-agreement', ['/homes/0']])
  })

  it('refuses a participant that is not a home, or not registered, at its index in /homes', async () => {
    const window = await registerParticipant(['accepting'])
    for (const homes of [[window.id], [uniqueId('p')]]) {
      const problem = await refusal(
        setting.window.send('POST', '/v1/cases', await submission(setting, { homes })),
      )
      expect([problem.status, problem.code, pathsOf(problem)]).toEqual([
        422,
        'validation-failed',
        ['/homes/0'],
      ])
    }
  })

  it('refuses a suspended home at /homes/0', async () => {
    const other = await homeUnder({ validFrom: '2020-01-01T00:00:00+08:00' })
    expect((await call('POST', `/v1/participants/${other.id}/suspend`, { as: admin })).status).toBe(200)
    const problem = await refusal(
      setting.window.send('POST', '/v1/cases', await submission(setting, { homes: [other.id] })),
    )
    expect([problem.status, problem.code, pathsOf(problem)]).toEqual([422, 'validation-failed', ['/homes/0']])
  })

  it('refuses joint processing with one home and proxy with two at /homes', async () => {
    const other = await homeUnder({ validFrom: '2020-01-01T00:00:00+08:00' })
    for (const overrides of [
      { mode: 'joint', homes: [homeId] },
      { mode: 'proxy', homes: [homeId, other.id] },
    ]) {
      const problem = await refusal(
        setting.window.send('POST', '/v1/cases', await submission(setting, overrides)),
      )
      expect([problem.status, problem.code, pathsOf(problem)]).toEqual([422, 'validation-failed', ['/homes']])
    }
  })

  it('refuses a mode the item does not allow at /mode', async () => {
    const online = await handoffSetting(1, { modes: ['online'] })
    const problem = await refusal(
      online.window.send('POST', '/v1/cases', await submission(online, { mode: 'proxy' })),
    )
    expect([problem.status, problem.code, pathsOf(problem)]).toEqual([422, 'validation-failed', ['/mode']])
  })

  it('refuses an item not in the catalogue at /itemCode', async () => {
    const problem = await refusal(
      setting.window.send(
        'POST',
        '/v1/cases',
        await submission(setting, { itemCode: uniqueId('no-such-item') }),
      ),
    )
    expect([problem.status, problem.code, pathsOf(problem)]).toEqual([
      422,
      'validation-failed',
      ['/itemCode'],
    ])
  })

  it('refuses a resident id failing GB 11643 at /applicant/idNumber without echoing it', async () => {
    const idNumber = '110105194912310021'
    const body = await submission(setting)
    const answer = await call('POST', '/v1/cases', {
      as: setting.accepting,
      body: { ...body, applicant: { ...body.applicant, idNumber } },
    })
    expect([answer.status, answer.body.code, answer.body.errors]).toEqual([
      422,
      'validation-failed',
      [{ path: '/applicant/idNumber', message: expect.any(String) }],
    ])
    expect(JSON.stringify(answer.body)).not.toContain(idNumber)
    expect(JSON.stringify(answer.body)).not.toContain('张三')
  })
})
