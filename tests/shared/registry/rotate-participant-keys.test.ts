import { beforeEach, describe, expect, it } from 'vitest'
import { registerParticipant } from '#shared/registry/register-participant.js'
import { rotateParticipantKeys } from '#shared/registry/rotate-participant-keys.js'
import { type InMemoryStores, registryDeps } from '../../support/in-memory-stores.js'
import { actor, adminActor, jwksOf, participantInput, refusalOf } from '../../support/registry-fixtures.js'

let deps: ReturnType<typeof registryDeps>
let stores: InMemoryStores

const gaoxin = actor('xian-gaoxin', ['accepting', 'home'], 'case-system')

beforeEach(async () => {
  deps = registryDeps()
  stores = deps.stores
  await registerParticipant(deps, {
    id: 'xian-gaoxin',
    input: participantInput({ jwks: jwksOf('gaoxin-1', 'gaoxin-2') }),
    actor: adminActor,
  })
  await registerParticipant(deps, {
    id: 'xian-beilin',
    input: participantInput({ name: 'Beilin district', jwks: jwksOf('beilin-1') }),
    actor: adminActor,
  })
})

const rotate = (id: string, jwks = jwksOf('gaoxin-2', 'gaoxin-3'), by = gaoxin) =>
  rotateParticipantKeys(deps, { id, jwks, actor: by })

describe('rotateParticipantKeys', () => {
  it('lets a participant replace its own keys at the next version', async () => {
    const before = await stores.get<object>('participant', 'xian-gaoxin')
    const { participant, created } = await rotate('xian-gaoxin')
    expect(created).toBe(false)
    expect(participant).toEqual({ ...before?.value, jwks: jwksOf('gaoxin-2', 'gaoxin-3'), version: 2 })
  })

  it('claims the new kids and releases the removed ones in the same commit', async () => {
    await rotate('xian-gaoxin')
    const written = stores.committed.at(-1) ?? []
    expect(written.filter((change) => change.kind !== 'append-event')).toEqual([
      expect.objectContaining({ kind: 'put-record', id: 'xian-gaoxin', version: 2, expectedVersion: 1 }),
      { kind: 'claim', namespace: 'kid', name: 'gaoxin-3', owner: 'xian-gaoxin' },
      { kind: 'release', namespace: 'kid', name: 'gaoxin-1', owner: 'xian-gaoxin' },
    ])
    expect(stores.kids.has('gaoxin-1')).toBe(false)
    expect(stores.kids.get('gaoxin-3')).toBe('xian-gaoxin')
  })

  it('records participant.keys-rotated on the rotating participant chain', async () => {
    await rotate('xian-gaoxin')
    expect(stores.chain('participant#xian-gaoxin')).toMatchObject([
      {
        actor: { participant: 'xian-gaoxin', sub: 'case-system' },
        action: 'participant.keys-rotated',
        details: { participantId: 'xian-gaoxin', version: 2, kids: ['gaoxin-2', 'gaoxin-3'] },
      },
    ])
  })

  it('writes nothing when the keys are the same', async () => {
    const attempts = stores.attempts.length
    const { participant } = await rotate('xian-gaoxin', jwksOf('gaoxin-1', 'gaoxin-2'))
    expect(participant.version).toBe(1)
    expect(stores.attempts).toHaveLength(attempts)
  })

  it('forbids rotating the keys of another participant', async () => {
    const attempts = stores.attempts.length
    const refusal = await refusalOf(() => rotate('xian-beilin', jwksOf('beilin-2')))
    expect(refusal.code).toBe('forbidden')
    expect(stores.attempts).toHaveLength(attempts)
  })

  it('lets the admin rotate the keys of anyone', async () => {
    const { participant } = await rotate('xian-beilin', jwksOf('beilin-2'), adminActor)
    expect(participant.jwks).toEqual(jwksOf('beilin-2'))
    expect(stores.chain('participant#admin').at(-1)?.action).toBe('participant.keys-rotated')
  })

  it('lets any participant holding the admin role rotate the keys of another', async () => {
    const { participant } = await rotate('xian-beilin', jwksOf('beilin-2'), actor('xian-ops', ['admin']))
    expect(participant.version).toBe(2)
  })

  it('answers not-found for an unknown participant', async () => {
    const refusal = await refusalOf(() => rotate('xian-unknown', jwksOf('unknown-1'), adminActor))
    expect(refusal.code).toBe('not-found')
    expect(stores.kids.has('unknown-1')).toBe(false)
  })

  it('refuses a kid another participant holds, pointing at it', async () => {
    const refusal = await refusalOf(() => rotate('xian-gaoxin', jwksOf('gaoxin-1', 'gaoxin-9', 'beilin-1')))
    expect(refusal.code).toBe('validation-failed')
    expect(refusal.errors?.map((error) => error.path)).toEqual(['/jwks/keys/2/kid'])
    expect((await stores.get('participant', 'xian-gaoxin'))?.version).toBe(1)
    expect(stores.kids.has('gaoxin-9')).toBe(false)
  })

  it('keeps the status, roles and contact', async () => {
    const { participant } = await rotate('xian-gaoxin')
    expect(participant).toMatchObject({
      status: 'active',
      roles: ['accepting', 'home'],
      contact: participantInput().contact,
    })
  })
})
