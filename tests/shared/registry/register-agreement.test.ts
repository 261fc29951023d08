import { beforeEach, describe, expect, it } from 'vitest'
import { registerAgreement } from '#shared/registry/register-agreement.js'
import { registerItem } from '#shared/registry/register-item.js'
import { registerParticipant } from '#shared/registry/register-participant.js'
import { type InMemoryStores, registryDeps } from '../../support/in-memory-stores.js'
import {
  adminActor,
  agreementInput,
  itemInput,
  jwksOf,
  participantInput,
  refusalOf,
} from '../../support/registry-fixtures.js'

const now = '2026-11-21T01:30:00.000Z'
let deps: ReturnType<typeof registryDeps>
let stores: InMemoryStores

beforeEach(async () => {
  deps = registryDeps(undefined, { now })
  stores = deps.stores
  for (const [id, kid] of [
    ['xian-gaoxin', 'gaoxin-1'],
    ['xian-beilin', 'beilin-1'],
  ] as const) {
    await registerParticipant(deps, { id, input: participantInput({ jwks: jwksOf(kid) }), actor: adminActor })
  }
  await registerItem(deps, { code: '610100-tax', input: itemInput(), actor: adminActor })
})

const register = (id: string, input = agreementInput()) =>
  registerAgreement(deps, { id, input, actor: adminActor })

describe('registerAgreement', () => {
  it('creates an agreement between registered parties for every item', async () => {
    const input = agreementInput()
    await expect(register('xian-citywide', input)).resolves.toEqual({
      created: true,
      agreement: { id: 'xian-citywide', ...input, version: 1, createdAt: now, updatedAt: now },
    })
  })

  it('records agreement.registered with its parties, items and start', async () => {
    await register('xian-citywide', agreementInput({ items: ['610100-tax'] }))
    expect(stores.chain('participant#admin').at(-1)).toMatchObject({
      action: 'agreement.registered',
      details: {
        agreementId: 'xian-citywide',
        parties: ['xian-gaoxin', 'xian-beilin'],
        items: ['610100-tax'],
        validFrom: '2026-01-01T00:00:00+08:00',
        version: 1,
      },
    })
  })

  it('accepts the configured admin as a party', async () => {
    const { created } = await register('admin-pilot', agreementInput({ parties: ['admin', 'xian-gaoxin'] }))
    expect(created).toBe(true)
  })

  it('lists every unregistered party and item, and writes nothing', async () => {
    const attempts = stores.attempts.length
    const refusal = await refusalOf(() =>
      register(
        'xian-citywide',
        agreementInput({
          parties: ['xian-gaoxin', 'xian-nobody', 'xian-beilin', 'xian-ghost'],
          items: ['610100-tax', 'missing', '610100-tax-2'],
        }),
      ),
    )
    expect(refusal.code).toBe('validation-failed')
    expect(refusal.errors?.map((error) => error.path)).toEqual([
      '/parties/1',
      '/parties/3',
      '/items/1',
      '/items/2',
    ])
    expect(stores.attempts).toHaveLength(attempts)
    expect(await stores.get('agreement', 'xian-citywide')).toBeUndefined()
  })

  it('writes nothing when the same agreement is put again', async () => {
    const first = await register('xian-citywide')
    const attempts = stores.attempts.length
    await expect(register('xian-citywide')).resolves.toEqual({ agreement: first.agreement, created: false })
    expect(stores.attempts).toHaveLength(attempts)
  })

  it('revises an agreement at the next version and records agreement.updated', async () => {
    await register('xian-citywide')
    const { agreement, created } = await register(
      'xian-citywide',
      agreementInput({ validUntil: '2027-01-01T00:00:00+08:00' }),
    )
    expect(created).toBe(false)
    expect(agreement).toMatchObject({ version: 2, validUntil: '2027-01-01T00:00:00+08:00' })
    expect(stores.chain('participant#admin').at(-1)?.action).toBe('agreement.updated')
  })
})
