import { beforeEach, describe, expect, it } from 'vitest'
import { registerParticipant } from '#shared/registry/register-participant.js'
import { setParticipantStatus } from '#shared/registry/set-participant-status.js'
import { type InMemoryStores, registryDeps } from '../../support/in-memory-stores.js'
import { adminActor, participantInput, refusalOf } from '../../support/registry-fixtures.js'

let deps: ReturnType<typeof registryDeps>
let stores: InMemoryStores

beforeEach(async () => {
  deps = registryDeps()
  stores = deps.stores
  await registerParticipant(deps, { id: 'xian-gaoxin', input: participantInput(), actor: adminActor })
})

const setStatus = (id: string, status: 'active' | 'suspended') =>
  setParticipantStatus(deps, { id, status, actor: adminActor })

const actions = () => stores.chain('participant#admin').map((event) => event.action)

describe('setParticipantStatus', () => {
  it('suspends a participant at the next version and records participant.suspended', async () => {
    const { participant, created } = await setStatus('xian-gaoxin', 'suspended')
    expect(created).toBe(false)
    expect(participant).toMatchObject({ status: 'suspended', version: 2 })
    expect(actions()).toEqual(['participant.registered', 'participant.suspended'])
    expect(stores.chain('participant#admin').at(-1)?.details).toMatchObject({
      status: 'suspended',
      version: 2,
    })
  })

  it('reinstates a suspended participant and records participant.reinstated', async () => {
    await setStatus('xian-gaoxin', 'suspended')
    const { participant } = await setStatus('xian-gaoxin', 'active')
    expect(participant).toMatchObject({ status: 'active', version: 3 })
    expect(actions()).toEqual(['participant.registered', 'participant.suspended', 'participant.reinstated'])
  })

  it('changes no key claims', async () => {
    await setStatus('xian-gaoxin', 'suspended')
    expect(stores.committed.at(-1)?.map((change) => change.kind)).toEqual(['put-record', 'append-event'])
  })

  it('writes nothing when the participant already has the status', async () => {
    await setStatus('xian-gaoxin', 'suspended')
    const attempts = stores.attempts.length
    const { participant } = await setStatus('xian-gaoxin', 'suspended')
    expect(participant.version).toBe(2)
    expect(stores.attempts).toHaveLength(attempts)
    expect(actions()).toHaveLength(2)
  })

  it('keeps the rest of the participant as it was', async () => {
    const before = await stores.get<object>('participant', 'xian-gaoxin')
    const { participant } = await setStatus('xian-gaoxin', 'suspended')
    expect(participant).toEqual({ ...before?.value, status: 'suspended', version: 2 })
  })

  it('answers not-found for an unknown participant', async () => {
    expect((await refusalOf(() => setStatus('xian-unknown', 'suspended'))).code).toBe('not-found')
  })

  it('refuses to suspend the configured admin', async () => {
    const refusal = await refusalOf(() => setStatus('admin', 'suspended'))
    expect(refusal.code).toBe('validation-failed')
    expect(refusal.errors?.map((error) => error.path)).toEqual(['/id'])
  })

  it('keeps contact data out of the audit event', async () => {
    await setStatus('xian-gaoxin', 'suspended')
    expect(JSON.stringify(stores.chain('participant#admin'))).not.toContain('gaoxin.example')
  })
})
