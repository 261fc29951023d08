import { generateKeyPairSync, randomBytes } from 'node:crypto'
import type { JWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { newPrivateJwk, publicJwkOf } from '#local/keys.js'
import {
  type Answer,
  admin,
  type Caller,
  call,
  errorPaths,
  expectProblem,
  participantBody,
  registerParticipant,
  uniqueId,
} from '../../support/exchange-client.js'

const expectInvalid = (answer: Answer, ...paths: string[]) => {
  expectProblem(answer, 422, 'validation-failed')
  expect(errorPaths(answer)).toEqual(expect.arrayContaining(paths))
}

/** A public key of a curve or type the exchange does not accept, as a JWK with a kid. */
const foreignPublicJwk = (type: 'P-384' | 'secp256k1' | 'rsa'): JWK => {
  const { publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: type })
  return { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: uniqueId('kid') }
}

const putParticipant = (id: string, body: unknown, as: Caller = admin) =>
  call('PUT', `/v1/participants/${id}`, { as, body })

const itemBody = (overrides: Record<string, unknown> = {}) => ({
  name: '企业登记信息变更',
  department: '市场监督管理局',
  modes: ['online', 'proxy'],
  promisedDays: 3,
  statutoryDays: 15,
  dayKind: 'working',
  materials: [{ id: 'application-form', name: '申请书', required: true }],
  ...overrides,
})

describe('registry', () => {
  describe('participants', () => {
    it('registers with 201, repeats an identical PUT with 200 and the same version', async () => {
      const id = uniqueId('reg')
      const body = participantBody(await newPrivateJwk(), ['accepting'])
      const first = await putParticipant(id, body)
      expect(first.status).toBe(201)
      expect(first.body).toMatchObject({ id, status: 'active', version: 1, roles: ['accepting'] })
      const again = await putParticipant(id, body)
      expect(again.status).toBe(200)
      expect(again.body).toEqual(first.body)
    })

    it('answers a changed body with 200 and the next version', async () => {
      const id = uniqueId('reg')
      const body = participantBody(await newPrivateJwk(), ['accepting'])
      expect((await putParticipant(id, body)).status).toBe(201)
      const changed = await putParticipant(id, { ...body, name: 'Renamed district', roles: ['home'] })
      expect(changed.status).toBe(200)
      expect(changed.body).toMatchObject({ id, version: 2, name: 'Renamed district', roles: ['home'] })
      expect((await call('GET', `/v1/participants/${id}`, { as: admin })).body.version).toBe(2)
    })

    it('reads one participant to any authenticated participant', async () => {
      const [reader, subject] = await Promise.all([
        registerParticipant(['home']),
        registerParticipant(['accepting']),
      ])
      const answer = await call('GET', `/v1/participants/${subject.id}`, { as: reader })
      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({ id: subject.id, jwks: { keys: [publicJwkOf(subject.jwk)] } })
      expect(answer.body.jwks.keys[0]).not.toHaveProperty('d')
    })

    it('reads the configured admin', async () => {
      const answer = await call('GET', '/v1/participants/admin', { as: admin })
      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({ id: 'admin', roles: ['admin'], status: 'active' })
    })

    it('lists admin first, then pages by limit and nextCursor through every participant once', async () => {
      const mine = await Promise.all([1, 2, 3].map(() => registerParticipant(['accepting'])))
      const reader = mine[0] as Caller
      const first = await call('GET', '/v1/participants?limit=2', { as: reader })
      expect(first.status).toBe(200)
      expect(first.body.participants[0].id).toBe('admin')
      expect(first.body.nextCursor).toEqual(expect.any(String))
      const seen: string[] = first.body.participants.map((p: { id: string }) => p.id)
      let cursor: string | undefined = first.body.nextCursor
      while (cursor !== undefined) {
        const page = await call('GET', `/v1/participants?limit=50&cursor=${encodeURIComponent(cursor)}`, {
          as: reader,
        })
        expect(page.status).toBe(200)
        seen.push(...page.body.participants.map((p: { id: string }) => p.id))
        cursor = page.body.nextCursor
      }
      expect(new Set(seen).size).toBe(seen.length)
      expect(seen.filter((id) => id === 'admin')).toHaveLength(1)
      expect(seen).toEqual(expect.arrayContaining(mine.map((caller) => caller.id)))
      const registered = seen.slice(1)
      expect(registered).toEqual([...registered].sort())
    })

    it('never answers more participants than the limit asks for', async () => {
      const reader = await registerParticipant(['accepting'])
      const answer = await call('GET', '/v1/participants?limit=1', { as: reader })
      expect(answer.status).toBe(200)
      expect(answer.body.participants.length).toBeLessThanOrEqual(1)
    })

    it('refuses a cursor it did not issue', async () => {
      expectInvalid(await call('GET', '/v1/participants?cursor=bogus', { as: admin }), '/cursor')
    })

    it('refuses a write by a participant without the admin role with 403 forbidden', async () => {
      const caller = await registerParticipant(['accepting', 'home', 'auditor'])
      const id = uniqueId('reg')
      const answer = await putParticipant(id, participantBody(await newPrivateJwk(), ['home']), caller)
      expectProblem(answer, 403, 'forbidden')
      expectProblem(await call('GET', `/v1/participants/${id}`, { as: admin }), 404, 'not-found')
    })

    it.each([
      ['uppercase', 'Xian-Beilin'],
      ['too long', `p${'a'.repeat(63)}`],
      ['a leading dash', '-beilin'],
      ['one character', 'a'],
    ])('refuses an id with %s with 422 at /params/id', async (_why, id) => {
      const answer = await putParticipant(id, participantBody(await newPrivateJwk(), ['home']))
      expectInvalid(answer, '/params/id')
    })

    it('refuses to register the configured admin, pointing at the id', async () => {
      expectInvalid(
        await putParticipant('admin', participantBody(await newPrivateJwk(), ['admin'])),
        '/params/id',
      )
    })

    it('refuses to suspend the configured admin, pointing at the id', async () => {
      expectInvalid(await call('POST', '/v1/participants/admin/suspend', { as: admin }), '/params/id')
    })

    it('refuses a participant that is its own parent', async () => {
      const id = uniqueId('reg')
      const answer = await putParticipant(
        id,
        participantBody(await newPrivateJwk(), ['home'], { parentId: id }),
      )
      expectInvalid(answer, '/parentId')
    })

    describe('keys', () => {
      it('refuses private key material, pointing at the member', async () => {
        const jwk = await newPrivateJwk()
        const answer = await putParticipant(uniqueId('reg'), {
          ...participantBody(jwk, ['home']),
          jwks: { keys: [jwk] },
        })
        expectInvalid(answer, '/jwks/keys/0/d')
      })

      it('refuses a symmetric key', async () => {
        const oct = { kty: 'oct', k: randomBytes(32).toString('base64url'), kid: uniqueId('kid') }
        const answer = await putParticipant(uniqueId('reg'), {
          ...participantBody(await newPrivateJwk(), ['home']),
          jwks: { keys: [oct] },
        })
        expectInvalid(answer, '/jwks/keys/0/kty')
      })

      it.each([
        ['P-384', '/jwks/keys/0/crv'],
        ['secp256k1', '/jwks/keys/0/crv'],
        ['rsa', '/jwks/keys/0/kty'],
      ] as const)('refuses a %s key, pointing at %s', async (type, path) => {
        const answer = await putParticipant(uniqueId('reg'), {
          ...participantBody(await newPrivateJwk(), ['home']),
          jwks: { keys: [foreignPublicJwk(type)] },
        })
        expectInvalid(answer, path)
      })

      it('refuses an empty key set', async () => {
        const answer = await putParticipant(uniqueId('reg'), {
          ...participantBody(await newPrivateJwk(), ['home']),
          jwks: { keys: [] },
        })
        expectInvalid(answer, '/jwks/keys')
      })

      it('refuses a duplicate kid within one key set', async () => {
        const [one, two] = await Promise.all([newPrivateJwk(), newPrivateJwk()])
        const keys = [publicJwkOf(one), { ...publicJwkOf(two), kid: one.kid }]
        const answer = await putParticipant(uniqueId('reg'), {
          ...participantBody(one, ['home']),
          jwks: { keys },
        })
        expectInvalid(answer, '/jwks/keys/1/kid')
      })

      it('refuses a kid another participant owns, and writes nothing for the loser', async () => {
        const owner = await registerParticipant(['home'])
        const loser = uniqueId('reg')
        const answer = await putParticipant(loser, participantBody(owner.jwk, ['accepting']))
        expectInvalid(answer, '/jwks/keys/0/kid')
        expectProblem(await call('GET', `/v1/participants/${loser}`, { as: admin }), 404, 'not-found')
        expect((await call('GET', `/v1/participants/${owner.id}`, { as: owner })).status).toBe(200)
      })

      it("refuses a kid of the configured admin's keys", async () => {
        const answer = await putParticipant(uniqueId('reg'), participantBody(admin.jwk, ['home']))
        expectInvalid(answer, '/jwks/keys/0/kid')
      })

      it('lets exactly one of two concurrent registrations claim the same kid', async () => {
        const jwk = await newPrivateJwk()
        const ids = [uniqueId('race'), uniqueId('race')]
        const answers = await Promise.all(ids.map((id) => putParticipant(id, participantBody(jwk, ['home']))))
        expect(answers.map((answer) => answer.status).sort()).toEqual([201, 422])
        const loser = answers.find((answer) => answer.status === 422) as Answer
        expectInvalid(loser, '/jwks/keys/0/kid')
        const reads = await Promise.all(ids.map((id) => call('GET', `/v1/participants/${id}`, { as: admin })))
        expect(reads.map((read) => read.status).sort()).toEqual([200, 404])
      })

      it('answers two concurrent identical registrations with one 201 and one 200', async () => {
        const id = uniqueId('race')
        const body = participantBody(await newPrivateJwk(), ['home'])
        const answers = await Promise.all([putParticipant(id, body), putParticipant(id, body)])
        expect(answers.map((answer) => answer.status).sort()).toEqual([200, 201])
        expect(answers.map((answer) => answer.body.version)).toEqual([1, 1])
      })

      it('refuses a rotation to a kid another participant owns', async () => {
        const [holder, owner] = await Promise.all([
          registerParticipant(['accepting']),
          registerParticipant(['home']),
        ])
        const answer = await call('PUT', `/v1/participants/${holder.id}/jwks`, {
          as: holder,
          body: { jwks: { keys: [publicJwkOf(holder.jwk), publicJwkOf(owner.jwk)] } },
        })
        expectInvalid(answer, '/jwks/keys/1/kid')
        expect((await call('GET', `/v1/participants/${holder.id}`, { as: holder })).body.version).toBe(1)
      })

      it('answers a rotation for an unknown participant with 404', async () => {
        const answer = await call('PUT', `/v1/participants/${uniqueId('ghost')}/jwks`, {
          as: admin,
          body: { jwks: { keys: [publicJwkOf(await newPrivateJwk())] } },
        })
        expectProblem(answer, 404, 'not-found')
      })

      it('lets a participant rotate its own keys; the old key is refused, the new one works', async () => {
        const holder = await registerParticipant(['accepting'])
        const next = await newPrivateJwk()
        const rotated = await call('PUT', `/v1/participants/${holder.id}/jwks`, {
          as: holder,
          body: { jwks: { keys: [publicJwkOf(next)] } },
        })
        expect(rotated.status).toBe(200)
        expect(rotated.body).toMatchObject({ id: holder.id, version: 2, jwks: { keys: [publicJwkOf(next)] } })
        expectProblem(
          await call('GET', `/v1/participants/${holder.id}`, { as: holder }),
          401,
          'unauthenticated',
        )
        const renewed = { id: holder.id, jwk: next }
        expect((await call('GET', `/v1/participants/${holder.id}`, { as: renewed })).status).toBe(200)
      })

      it('frees a rotated-out kid for another participant', async () => {
        const holder = await registerParticipant(['accepting'])
        const next = await newPrivateJwk()
        const rotated = await call('PUT', `/v1/participants/${holder.id}/jwks`, {
          as: holder,
          body: { jwks: { keys: [publicJwkOf(next)] } },
        })
        expect(rotated.status).toBe(200)
        expect((await putParticipant(uniqueId('reg'), participantBody(holder.jwk, ['home']))).status).toBe(
          201,
        )
      })

      it("refuses to rotate someone else's keys with 403 forbidden", async () => {
        const [holder, intruder] = await Promise.all([
          registerParticipant(['accepting']),
          registerParticipant(['home']),
        ])
        const answer = await call('PUT', `/v1/participants/${holder.id}/jwks`, {
          as: intruder,
          body: { jwks: { keys: [publicJwkOf(intruder.jwk)] } },
        })
        expectProblem(answer, 403, 'forbidden')
        expect((await call('GET', `/v1/participants/${holder.id}`, { as: holder })).status).toBe(200)
      })
    })

    describe('suspension', () => {
      it('lets the admin suspend and reinstate a participant', async () => {
        const subject = await registerParticipant(['home'])
        const suspended = await call('POST', `/v1/participants/${subject.id}/suspend`, { as: admin })
        expect(suspended.status).toBe(200)
        expect(suspended.body).toMatchObject({ id: subject.id, status: 'suspended', version: 2 })
        const reinstated = await call('POST', `/v1/participants/${subject.id}/reinstate`, { as: admin })
        expect(reinstated.status).toBe(200)
        expect(reinstated.body).toMatchObject({ id: subject.id, status: 'active', version: 3 })
      })

      it('keeps a suspension through a re-registration of the same participant', async () => {
        const subject = await registerParticipant(['home'])
        expect((await call('POST', `/v1/participants/${subject.id}/suspend`, { as: admin })).status).toBe(200)
        const answer = await putParticipant(
          subject.id,
          participantBody(subject.jwk, ['home'], { name: 'Renamed' }),
        )
        expect(answer.status).toBe(200)
        expect(answer.body.status).toBe('suspended')
      })

      it.each(['suspend', 'reinstate'])('refuses %s by a non-admin with 403 forbidden', async (verb) => {
        const [caller, subject] = await Promise.all([
          registerParticipant(['accepting', 'auditor']),
          registerParticipant(['home']),
        ])
        expectProblem(
          await call('POST', `/v1/participants/${subject.id}/${verb}`, { as: caller }),
          403,
          'forbidden',
        )
      })

      it.each(['suspend', 'reinstate'])('answers %s of an unknown participant with 404', async (verb) => {
        const answer = await call('POST', `/v1/participants/${uniqueId('ghost')}/${verb}`, { as: admin })
        expectProblem(answer, 404, 'not-found')
      })
    })
  })

  describe('items', () => {
    it('puts, reads and lists an item; an identical PUT keeps the version', async () => {
      const code = uniqueId('610100-item')
      const put = await call('PUT', `/v1/items/${code}`, { as: admin, body: itemBody() })
      expect(put.status).toBe(201)
      expect(put.body).toMatchObject({ code, version: 1, ...itemBody() })
      const again = await call('PUT', `/v1/items/${code}`, { as: admin, body: itemBody() })
      expect(again.status).toBe(200)
      expect(again.body.version).toBe(1)
      const revised = await call('PUT', `/v1/items/${code}`, {
        as: admin,
        body: itemBody({ promisedDays: 2 }),
      })
      expect(revised.status).toBe(200)
      expect(revised.body).toMatchObject({ version: 2, promisedDays: 2 })
      const reader = await registerParticipant(['accepting'])
      const read = await call('GET', `/v1/items/${code}`, { as: reader })
      expect(read.status).toBe(200)
      expect(read.body).toEqual(revised.body)
      const codes: string[] = []
      let cursor: string | undefined
      do {
        const query = cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`
        const page = await call('GET', `/v1/items?limit=100${query}`, { as: reader })
        expect(page.status).toBe(200)
        codes.push(...page.body.items.map((item: { code: string }) => item.code))
        cursor = page.body.nextCursor
      } while (cursor !== undefined)
      expect(codes).toContain(code)
    })

    it('refuses an item promising more days than the statute allows, at /promisedDays', async () => {
      const answer = await call('PUT', `/v1/items/${uniqueId('item')}`, {
        as: admin,
        body: itemBody({ promisedDays: 20, statutoryDays: 15 }),
      })
      expectInvalid(answer, '/promisedDays')
    })

    it('refuses an item write by a non-admin with 403 forbidden', async () => {
      const caller = await registerParticipant(['home'])
      expectProblem(
        await call('PUT', `/v1/items/${uniqueId('item')}`, { as: caller, body: itemBody() }),
        403,
        'forbidden',
      )
    })
  })

  describe('agreements', () => {
    let parties: Caller[]
    let itemCode: string

    const agreementBody = (overrides: Record<string, unknown> = {}) => ({
      parties: parties.map((party) => party.id),
      items: [itemCode],
      validFrom: '2026-01-01T00:00:00+08:00',
      ...overrides,
    })

    beforeAll(async () => {
      parties = await Promise.all([registerParticipant(['accepting']), registerParticipant(['home'])])
      itemCode = uniqueId('610100-agreed')
      const put = await call('PUT', `/v1/items/${itemCode}`, { as: admin, body: itemBody() })
      expect(put.status).toBe(201)
    })

    it('puts, reads and lists an agreement', async () => {
      const id = uniqueId('agr')
      const put = await call('PUT', `/v1/agreements/${id}`, {
        as: admin,
        body: agreementBody({ validUntil: '2027-01-01T00:00:00+08:00' }),
      })
      expect(put.status).toBe(201)
      expect(put.body).toMatchObject({ id, version: 1, ...agreementBody() })
      const again = await call('PUT', `/v1/agreements/${id}`, {
        as: admin,
        body: agreementBody({ validUntil: '2027-01-01T00:00:00+08:00' }),
      })
      expect(again.status).toBe(200)
      expect(again.body.version).toBe(1)
      const reader = parties[0] as Caller
      const read = await call('GET', `/v1/agreements/${id}`, { as: reader })
      expect(read.status).toBe(200)
      expect(read.body).toEqual(put.body)
      const ids: string[] = []
      let cursor: string | undefined
      do {
        const query = cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`
        const page = await call('GET', `/v1/agreements?limit=100${query}`, { as: reader })
        expect(page.status).toBe(200)
        ids.push(...page.body.agreements.map((agreement: { id: string }) => agreement.id))
        cursor = page.body.nextCursor
      } while (cursor !== undefined)
      expect(ids).toContain(id)
    })

    it('accepts ["*"] for every item', async () => {
      const answer = await call('PUT', `/v1/agreements/${uniqueId('agr')}`, {
        as: admin,
        body: agreementBody({ items: ['*'] }),
      })
      expect(answer.status).toBe(201)
      expect(answer.body.items).toEqual(['*'])
    })

    it('refuses an unknown party, pointing at it', async () => {
      const answer = await call('PUT', `/v1/agreements/${uniqueId('agr')}`, {
        as: admin,
        body: agreementBody({ parties: [parties[0]?.id, uniqueId('ghost')] }),
      })
      expectInvalid(answer, '/parties/1')
      expect(errorPaths(answer)).not.toContain('/parties/0')
    })

    it('refuses an unknown item, pointing at it', async () => {
      const answer = await call('PUT', `/v1/agreements/${uniqueId('agr')}`, {
        as: admin,
        body: agreementBody({ items: [itemCode, uniqueId('no-item')] }),
      })
      expectInvalid(answer, '/items/1')
    })

    it('refuses a validUntil before validFrom', async () => {
      const answer = await call('PUT', `/v1/agreements/${uniqueId('agr')}`, {
        as: admin,
        body: agreementBody({
          validFrom: '2026-06-01T00:00:00+08:00',
          validUntil: '2026-05-01T00:00:00+08:00',
        }),
      })
      expectInvalid(answer, '/validUntil')
    })

    it('refuses fewer than two parties', async () => {
      const answer = await call('PUT', `/v1/agreements/${uniqueId('agr')}`, {
        as: admin,
        body: agreementBody({ parties: [parties[0]?.id] }),
      })
      expectInvalid(answer, '/parties')
    })

    it('refuses an agreement write by a non-admin with 403 forbidden', async () => {
      const answer = await call('PUT', `/v1/agreements/${uniqueId('agr')}`, {
        as: parties[0] as Caller,
        body: agreementBody(),
      })
      expectProblem(answer, 403, 'forbidden')
    })
  })

  it.each([
    ['participant', '/v1/participants'],
    ['item', '/v1/items'],
    ['agreement', '/v1/agreements'],
  ])('answers an unknown %s with 404 not-found', async (_what, base) => {
    const reader = await registerParticipant(['accepting'])
    expectProblem(await call('GET', `${base}/${uniqueId('ghost')}`, { as: reader }), 404, 'not-found')
  })
})
