import { beforeEach, describe, expect, it } from 'vitest'
import { registerItem } from '#shared/registry/register-item.js'
import { type InMemoryStores, registryDeps } from '../../support/in-memory-stores.js'
import { adminActor, itemInput } from '../../support/registry-fixtures.js'

const now = '2026-11-21T01:30:00.000Z'
let deps: ReturnType<typeof registryDeps>
let stores: InMemoryStores

beforeEach(() => {
  deps = registryDeps(undefined, { now })
  stores = deps.stores
})

const register = (code: string, input = itemInput()) => registerItem(deps, { code, input, actor: adminActor })

describe('registerItem', () => {
  it('creates an item at version 1', async () => {
    const input = itemInput()
    await expect(register('610100-tax', input)).resolves.toEqual({
      created: true,
      item: { code: '610100-tax', ...input, version: 1, createdAt: now, updatedAt: now },
    })
    expect(stores.committed[0]?.[0]).toMatchObject({
      kind: 'put-record',
      collection: 'item',
      expectedVersion: 0,
    })
  })

  it('records item.registered with the code, modes and promised days', async () => {
    await register('610100-tax')
    expect(stores.chain('participant#admin')).toMatchObject([
      {
        action: 'item.registered',
        details: { itemCode: '610100-tax', modes: ['online', 'proxy'], promisedDays: 5, version: 1 },
      },
    ])
  })

  it('writes nothing when the same item is put again', async () => {
    const first = await register('610100-tax')
    await expect(register('610100-tax')).resolves.toEqual({ item: first.item, created: false })
    expect(stores.attempts).toHaveLength(1)
  })

  it('revises an item at the next version and records item.updated', async () => {
    await register('610100-tax')
    deps.clock.advance(3600)
    const { item, created } = await register('610100-tax', itemInput({ promisedDays: 3 }))
    expect(created).toBe(false)
    expect(item).toMatchObject({
      promisedDays: 3,
      version: 2,
      createdAt: now,
      updatedAt: '2026-11-21T02:30:00.000Z',
    })
    expect(stores.chain('participant#admin').map((event) => event.action)).toEqual([
      'item.registered',
      'item.updated',
    ])
  })

  it('treats dropping the department as a revision', async () => {
    await register('610100-tax', itemInput({ department: 'Tax bureau' }))
    const { item } = await register('610100-tax', itemInput())
    expect(item.version).toBe(2)
    expect(item).not.toHaveProperty('department')
  })

  it('creates an item once when two identical puts race', async () => {
    const results = await Promise.all([register('610100-tax'), register('610100-tax')])
    expect(results.map((result) => result.created).sort()).toEqual([false, true])
    expect(stores.chain('participant#admin')).toHaveLength(1)
  })
})
