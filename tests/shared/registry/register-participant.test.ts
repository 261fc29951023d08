import { beforeEach, describe, expect, it } from 'vitest'
import { registerParticipant } from '#shared/registry/register-participant.js'
import { type InMemoryStores, registryDeps } from '../../support/in-memory-stores.js'
import {
  actor,
  adminActor,
  jwksOf,
  okpKey,
  participantInput,
  refusalOf,
} from '../../support/registry-fixtures.js'

const now = '2026-11-21T01:30:00.000Z'
let deps: ReturnType<typeof registryDeps>
let stores: InMemoryStores

beforeEach(() => {
  deps = registryDeps(undefined, { now })
  stores = deps.stores
})

const register = (id: string, input = participantInput(), by = adminActor) =>
  registerParticipant(deps, { id, input, actor: by })

const kindsOf = (index: number) => stores.committed[index]?.map((change) => change.kind)
const adminEvents = () => stores.chain('participant#admin')

describe('registerParticipant', () => {
  it('creates an active participant at version 1', async () => {
    const input = participantInput()
    await expect(register('xian-gaoxin', input)).resolves.toEqual({
      created: true,
      participant: {
        id: 'xian-gaoxin',
        ...input,
        status: 'active',
        version: 1,
        createdAt: now,
        updatedAt: now,
      },
    })
    expect(await stores.get('participant', 'xian-gaoxin')).toMatchObject({ version: 1 })
  })

  it('claims every kid of the new participant in the same commit', async () => {
    await register('xian-gaoxin', participantInput({ jwks: jwksOf('gaoxin-1', 'gaoxin-2') }))
    expect(kindsOf(0)).toEqual(['put-record', 'claim', 'claim', 'append-event'])
    expect([...stores.kids]).toEqual([
      ['gaoxin-1', 'xian-gaoxin'],
      ['gaoxin-2', 'xian-gaoxin'],
    ])
  })

  it('records participant.registered on the acting admin chain', async () => {
    await register('xian-gaoxin')
    expect(adminEvents()).toMatchObject([
      {
        actor: { participant: 'admin', sub: 'console' },
        action: 'participant.registered',
        details: {
          participantId: 'xian-gaoxin',
          version: 1,
          status: 'active',
          roles: ['accepting', 'home'],
          kids: ['gaoxin-1'],
        },
      },
    ])
  })

  it('keeps contact data out of the audit event', async () => {
    await register('xian-gaoxin')
    await register('xian-gaoxin', participantInput({ contact: { email: 'li.lei@gaoxin.example' } }))
    const logged = JSON.stringify(adminEvents())
    expect(adminEvents()).toHaveLength(2)
    for (const secret of [
      'contact',
      'Wang Fang',
      'wang.fang@gaoxin.example',
      '8888',
      'li.lei@gaoxin.example',
    ]) {
      expect(logged).not.toContain(secret)
    }
  })

  it('writes nothing when the same description is put again', async () => {
    const first = await register('xian-gaoxin')
    deps.clock.advance(60)
    await expect(register('xian-gaoxin')).resolves.toEqual({ participant: first.participant, created: false })
    expect(stores.attempts).toHaveLength(1)
    expect(adminEvents()).toHaveLength(1)
  })

  it('replaces a description at the next version, keeping createdAt', async () => {
    await register('xian-gaoxin')
    deps.clock.advance(60)
    const { participant, created } = await register('xian-gaoxin', participantInput({ name: 'Gaoxin zone' }))
    expect(created).toBe(false)
    expect(participant).toMatchObject({
      name: 'Gaoxin zone',
      version: 2,
      createdAt: now,
      updatedAt: '2026-11-21T01:31:00.000Z',
    })
    expect(adminEvents().map((event) => event.action)).toEqual([
      'participant.registered',
      'participant.updated',
    ])
    expect(kindsOf(1)).toEqual(['put-record', 'append-event'])
  })

  it('keeps a suspended participant suspended when its description is replaced', async () => {
    await register('xian-gaoxin')
    const stored = await stores.get<object>('participant', 'xian-gaoxin')
    stores.seed('participant', 'xian-gaoxin', { ...stored?.value, status: 'suspended', version: 2 })
    const { participant } = await register('xian-gaoxin', participantInput({ name: 'Gaoxin zone' }))
    expect(participant).toMatchObject({ status: 'suspended', version: 3 })
  })

  it('claims added kids and releases removed ones when the keys change', async () => {
    await register('xian-gaoxin', participantInput({ jwks: jwksOf('gaoxin-1', 'gaoxin-2') }))
    await register('xian-gaoxin', participantInput({ jwks: jwksOf('gaoxin-2', 'gaoxin-3') }))
    expect(
      stores.committed[1]?.filter((change) => change.kind === 'claim' || change.kind === 'release'),
    ).toEqual([
      { kind: 'claim', namespace: 'kid', name: 'gaoxin-3', owner: 'xian-gaoxin' },
      { kind: 'release', namespace: 'kid', name: 'gaoxin-1', owner: 'xian-gaoxin' },
    ])
    expect([...stores.kids.keys()].sort()).toEqual(['gaoxin-2', 'gaoxin-3'])
  })

  it('refuses a kid another participant holds, pointing at the key that names it', async () => {
    await register('xian-beilin', participantInput({ jwks: jwksOf('shared-kid') }))
    const refusal = await refusalOf(() =>
      register('xian-gaoxin', participantInput({ jwks: jwksOf('gaoxin-1', 'shared-kid') })),
    )
    expect(refusal.code).toBe('validation-failed')
    expect(refusal.errors?.map((error) => error.path)).toEqual(['/jwks/keys/1/kid'])
    expect(await stores.get('participant', 'xian-gaoxin')).toBeUndefined()
    expect(stores.kids.get('shared-kid')).toBe('xian-beilin')
    expect(stores.kids.has('gaoxin-1')).toBe(false)
    expect(adminEvents()).toHaveLength(1)
  })

  it('refuses the reserved admin id without writing', async () => {
    const refusal = await refusalOf(() => register('admin'))
    expect(refusal.code).toBe('validation-failed')
    expect(refusal.errors?.map((error) => error.path)).toEqual(['/id'])
    expect(stores.attempts).toEqual([])
  })

  it('refuses a participant that is its own parent', async () => {
    const refusal = await refusalOf(() =>
      register('xian-gaoxin', participantInput({ parentId: 'xian-gaoxin' })),
    )
    expect(refusal.code).toBe('validation-failed')
    expect(refusal.errors?.map((error) => error.path)).toEqual(['/parentId'])
    expect(stores.attempts).toEqual([])
  })

  it('accepts another parent', async () => {
    const { participant } = await register('xian-gaoxin', participantInput({ parentId: 'xian' }))
    expect(participant.parentId).toBe('xian')
  })

  it('creates a participant once when two identical registrations race', async () => {
    const results = await Promise.all([register('xian-gaoxin'), register('xian-gaoxin')])
    expect(results.map((result) => result.created).sort()).toEqual([false, true])
    expect(results.map((result) => result.participant.version)).toEqual([1, 1])
    expect(adminEvents()).toHaveLength(1)
  })

  it('refuses the loser of a race for one kid', async () => {
    const outcomes = await Promise.allSettled([
      register('xian-gaoxin', participantInput({ jwks: { keys: [okpKey('contested')] } })),
      register('xian-beilin', participantInput({ jwks: { keys: [okpKey('contested', 'B')] } })),
    ])
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected'])
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected')
    expect(rejected?.reason).toMatchObject({
      code: 'validation-failed',
      errors: [{ path: '/jwks/keys/0/kid' }],
    })
  })

  it('records the event on the chain of whoever acted', async () => {
    await register('xian-gaoxin', participantInput(), actor('xian-ops', ['admin'], 'ops-console'))
    expect(stores.chain('participant#xian-ops')).toMatchObject([
      { actor: { participant: 'xian-ops', sub: 'ops-console' } },
    ])
  })
})
