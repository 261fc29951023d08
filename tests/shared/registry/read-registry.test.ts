import { beforeEach, describe, expect, it } from 'vitest'
import { adminParticipant } from '#shared/registry/find-participant.js'
import {
  getAgreement,
  getItem,
  getParticipant,
  ListQuery,
  listAgreements,
  listItems,
  listParticipants,
} from '#shared/registry/read-registry.js'
import { registerAgreement } from '#shared/registry/register-agreement.js'
import { registerItem } from '#shared/registry/register-item.js'
import { registerParticipant } from '#shared/registry/register-participant.js'
import { placeholderAdminJwks, registryDeps } from '../../support/in-memory-stores.js'
import {
  adminActor,
  agreementInput,
  itemInput,
  jwksOf,
  participantInput,
  refusalOf,
} from '../../support/registry-fixtures.js'

let deps: ReturnType<typeof registryDeps>
const ids = ['xian-a', 'xian-b', 'xian-c', 'xian-d', 'xian-e']

beforeEach(async () => {
  deps = registryDeps()
  for (const id of [...ids].reverse()) {
    await registerParticipant(deps, {
      id,
      input: participantInput({ jwks: jwksOf(`${id}-key`) }),
      actor: adminActor,
    })
  }
  for (const code of ['item-1', 'item-2', 'item-3']) {
    await registerItem(deps, { code, input: itemInput(), actor: adminActor })
  }
  await registerAgreement(deps, {
    id: 'pact-1',
    input: agreementInput({ parties: ['xian-a', 'xian-b'] }),
    actor: adminActor,
  })
})

const query = (limit: number, cursor?: string) =>
  ListQuery.parse(cursor === undefined ? { limit } : { limit, cursor })

const encoded = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')

describe('ListQuery', () => {
  it('defaults to 50 and reads the limit from query text', () => {
    expect(ListQuery.parse({})).toEqual({ limit: 50 })
    expect(ListQuery.parse({ limit: '7' })).toEqual({ limit: 7 })
  })

  it('refuses limits outside 1 to 100 and long cursors', () => {
    expect(ListQuery.safeParse({ limit: 0 }).success).toBe(false)
    expect(ListQuery.safeParse({ limit: 101 }).success).toBe(false)
    expect(ListQuery.safeParse({ cursor: 'c'.repeat(513) }).success).toBe(false)
  })
})

describe('getParticipant', () => {
  it('answers a registered participant', async () => {
    await expect(getParticipant(deps, 'xian-c')).resolves.toMatchObject({ id: 'xian-c', version: 1 })
  })

  it('answers the configured admin from adminJwks', async () => {
    await expect(getParticipant(deps, 'admin')).resolves.toEqual({
      ...adminParticipant(placeholderAdminJwks),
      roles: ['admin'],
      status: 'active',
    })
  })

  it('answers not-found for an unknown participant', async () => {
    expect((await refusalOf(() => getParticipant(deps, 'xian-z'))).code).toBe('not-found')
  })
})

describe('listParticipants', () => {
  it('lists the admin first, then participants by id', async () => {
    const { participants, nextCursor } = await listParticipants(deps, query(50))
    expect(participants.map((participant) => participant.id)).toEqual(['admin', ...ids])
    expect(nextCursor).toBeUndefined()
  })

  it('walks every page with the cursors it hands out, listing the admin on the first page only', async () => {
    const pages: string[][] = []
    let cursor: string | undefined
    do {
      const page = await listParticipants(deps, query(2, cursor))
      pages.push(page.participants.map((participant) => participant.id))
      cursor = page.nextCursor
    } while (cursor !== undefined)
    expect(pages).toEqual([
      ['admin', 'xian-a'],
      ['xian-b', 'xian-c'],
      ['xian-d', 'xian-e'],
    ])
  })

  it('hands a limit of one the admin alone and a cursor to the first registered participant', async () => {
    const first = await listParticipants(deps, query(1))
    expect(first.participants.map((participant) => participant.id)).toEqual(['admin'])
    const second = await listParticipants(deps, query(1, first.nextCursor))
    expect(second.participants.map((participant) => participant.id)).toEqual(['xian-a'])
  })

  it.each([
    ['not base64url JSON', '!!!'],
    ['a flipped character', `${encoded({ after: 'xian-b' }).slice(0, -2)}x`],
    ['an extra member', encoded({ after: 'xian-b', pk: 'item' })],
    ['an array', encoded(['xian-b'])],
    ['a number', encoded({ after: 7 })],
  ])('refuses a cursor with %s', async (_, cursor) => {
    const refusal = await refusalOf(() => listParticipants(deps, query(2, cursor)))
    expect(refusal.code).toBe('validation-failed')
    expect(refusal.errors?.map((error) => error.path)).toEqual(['/cursor'])
  })
})

describe('items', () => {
  it('gets an item by code and answers not-found for an unknown one', async () => {
    await expect(getItem(deps, 'item-2')).resolves.toMatchObject({ code: 'item-2' })
    expect((await refusalOf(() => getItem(deps, 'item-9'))).code).toBe('not-found')
  })

  it('lists items by code across pages', async () => {
    const first = await listItems(deps, query(2))
    expect(first.items.map((item) => item.code)).toEqual(['item-1', 'item-2'])
    const second = await listItems(deps, query(2, first.nextCursor))
    expect(second).toEqual({ items: [expect.objectContaining({ code: 'item-3' })] })
  })
})

describe('agreements', () => {
  it('gets an agreement by id and answers not-found for an unknown one', async () => {
    await expect(getAgreement(deps, 'pact-1')).resolves.toMatchObject({
      id: 'pact-1',
      parties: ['xian-a', 'xian-b'],
    })
    expect((await refusalOf(() => getAgreement(deps, 'pact-9'))).code).toBe('not-found')
  })

  it('lists agreements', async () => {
    await expect(listAgreements(deps, query(10))).resolves.toEqual({
      agreements: [expect.objectContaining({ id: 'pact-1' })],
    })
  })

  it('refuses a tampered cursor', async () => {
    expect((await refusalOf(() => listAgreements(deps, query(10, 'e30')))).code).toBe('validation-failed')
  })
})
