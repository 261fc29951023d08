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

/** What no error answer may carry: a stack trace, or anything beyond the contract's members. */
const expectNoLeak = (answer: Answer) => {
  expect(answer.status).toBeLessThan(500)
  expect(answer.body).not.toHaveProperty('stack')
  expect(answer.body.detail).not.toContain(' at ')
  expect(JSON.stringify(answer.body)).not.toMatch(/node_modules|\.ts:\d+/)
}

const expectRefused = (answer: Answer, status: number, code: string) => {
  expectProblem(answer, status, code)
  expectNoLeak(answer)
}

const validParticipant = async () => participantBody(await newPrivateJwk(), ['accepting'])

const validItem = () => ({
  name: '个体工商户登记',
  modes: ['online'],
  promisedDays: 1,
  statutoryDays: 5,
  dayKind: 'working',
  materials: [{ id: 'licence', name: '营业执照', required: true }],
})

/** A body-taking route: where it lives, who may call it, and bodies that break it in known ways. */
type BodyRoute = {
  name: string
  path: () => string
  valid: () => Promise<unknown>
  /** A body with at least three problems and the path of each. */
  broken: { body: unknown; paths: string[] }
  /** A body with unknown members at the top and further down, and their paths. */
  unknown: () => Promise<{ body: unknown; paths: string[] }>
}

describe('errors', () => {
  let parties: Caller[]

  beforeAll(async () => {
    parties = await Promise.all([registerParticipant(['accepting']), registerParticipant(['home'])])
  })

  const routes: BodyRoute[] = [
    {
      name: 'PUT /v1/participants/{id}',
      path: () => `/v1/participants/${uniqueId('err')}`,
      valid: validParticipant,
      broken: {
        body: { name: '', kind: 'village', roles: ['king'], jwks: { keys: [] } },
        paths: ['/name', '/kind', '/roles/0', '/jwks/keys'],
      },
      unknown: async () => ({
        body: {
          ...(await validParticipant()),
          nickname: 'x',
          contact: { email: 'ops@example.cn', fax: '1' },
        },
        paths: ['/nickname', '/contact/fax'],
      }),
    },
    {
      name: 'PUT /v1/items/{code}',
      path: () => `/v1/items/${uniqueId('610100-err')}`,
      valid: async () => validItem(),
      broken: {
        body: {
          name: '',
          modes: ['fax'],
          promisedDays: 0,
          statutoryDays: 'five',
          dayKind: 'lunar',
          materials: [],
        },
        paths: ['/name', '/modes/0', '/promisedDays', '/statutoryDays', '/dayKind'],
      },
      unknown: async () => ({
        body: {
          ...validItem(),
          owner: 'x',
          materials: [{ id: 'a', name: 'b', required: true, colour: 'red' }],
        },
        paths: ['/owner', '/materials/0/colour'],
      }),
    },
    {
      name: 'PUT /v1/agreements/{id}',
      path: () => `/v1/agreements/${uniqueId('err')}`,
      valid: async () => ({
        parties: parties.map((party) => party.id),
        items: ['*'],
        validFrom: '2026-01-01T00:00:00+08:00',
      }),
      broken: {
        body: { parties: ['Not-An-Id'], items: [], validFrom: 'yesterday' },
        paths: ['/parties/0', '/parties', '/items', '/validFrom'],
      },
      unknown: async () => ({
        body: {
          parties: parties.map((party) => party.id),
          items: ['*'],
          validFrom: '2026-01-01T00:00:00+08:00',
          comment: 'x',
          terms: 'y',
        },
        paths: ['/comment', '/terms'],
      }),
    },
    {
      name: 'PUT /v1/participants/{id}/jwks',
      path: () => `/v1/participants/${parties[0]?.id}/jwks`,
      valid: async () => ({ jwks: { keys: [publicJwkOf(await newPrivateJwk())] } }),
      broken: {
        body: { jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'short', y: 'short' }] } },
        paths: ['/jwks/keys/0/x', '/jwks/keys/0/y', '/jwks/keys/0/kid'],
      },
      unknown: async () => ({
        body: {
          jwks: { keys: [{ ...publicJwkOf(await newPrivateJwk()), x5c: ['MII'] }], extra: 1 },
          reason: 'x',
        },
        paths: ['/jwks/keys/0/x5c', '/jwks/extra', '/reason'],
      }),
    },
  ]

  describe.each(routes)('$name', (route) => {
    it('refuses malformed JSON with 400 malformed-json', async () => {
      const answer = await call('PUT', route.path(), {
        as: admin,
        rawBody: '{"name": "unterminated',
        headers: { 'content-type': 'application/json' },
      })
      expectRefused(answer, 400, 'malformed-json')
    })

    it('refuses text/plain with 415 unsupported-media-type', async () => {
      const answer = await call('PUT', route.path(), {
        as: admin,
        rawBody: JSON.stringify(await route.valid()),
        headers: { 'content-type': 'text/plain' },
      })
      expectRefused(answer, 415, 'unsupported-media-type')
    })

    it('refuses a body without a content type with 415 unsupported-media-type', async () => {
      // A Buffer body makes fetch send no Content-Type at all.
      const answer = await call('PUT', route.path(), {
        as: admin,
        rawBody: Buffer.from(JSON.stringify(await route.valid()), 'utf8'),
      })
      expectRefused(answer, 415, 'unsupported-media-type')
    })

    it('refuses a JSON body over 1 MiB with 413 payload-too-large', async () => {
      const answer = await call('PUT', route.path(), {
        as: admin,
        rawBody: JSON.stringify({ padding: 'x'.repeat(1024 * 1024) }),
        headers: { 'content-type': 'application/json' },
      })
      expectRefused(answer, 413, 'payload-too-large')
    })

    it('lists every schema violation at once with 422 validation-failed', async () => {
      const answer = await call('PUT', route.path(), { as: admin, body: route.broken.body })
      expectRefused(answer, 422, 'validation-failed')
      expect(errorPaths(answer)).toEqual(expect.arrayContaining(route.broken.paths))
      for (const error of answer.body.errors)
        expect(error).toEqual({ path: expect.any(String), message: expect.any(String) })
    })

    it('names every unknown member, top-level and nested', async () => {
      const { body, paths } = await route.unknown()
      const answer = await call('PUT', route.path(), { as: admin, body })
      expectRefused(answer, 422, 'validation-failed')
      expect(errorPaths(answer).sort()).toEqual([...paths].sort())
    })

    it('refuses a JSON body that is not an object with 422 validation-failed', async () => {
      const answer = await call('PUT', route.path(), { as: admin, body: ['not', 'an', 'object'] })
      expectRefused(answer, 422, 'validation-failed')
    })
  })

  it('refuses an empty JSON body with 400 malformed-json', async () => {
    const answer = await call('PUT', `/v1/items/${uniqueId('610100-empty')}`, {
      as: admin,
      rawBody: '',
      headers: { 'content-type': 'application/json' },
    })
    expectRefused(answer, 400, 'malformed-json')
  })

  it('prefixes query errors with /query, naming unknown parameters too', async () => {
    const answer = await call('GET', '/v1/participants?limit=0&colour=red', { as: admin })
    expectRefused(answer, 422, 'validation-failed')
    expect(errorPaths(answer).sort()).toEqual(['/query/colour', '/query/limit'])
  })

  it('reads a JSON body of exactly 1 MiB rather than refusing it as too large', async () => {
    const envelope = JSON.stringify({ padding: '' })
    const answer = await call('PUT', `/v1/items/${uniqueId('610100-mib')}`, {
      as: admin,
      rawBody: JSON.stringify({ padding: 'x'.repeat(1024 * 1024 - envelope.length) }),
      headers: { 'content-type': 'application/json' },
    })
    expectRefused(answer, 422, 'validation-failed')
  })

  it('accepts application/json with a charset parameter', async () => {
    const answer = await call('PUT', `/v1/items/${uniqueId('610100-charset')}`, {
      as: admin,
      rawBody: JSON.stringify(validItem()),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    })
    expect(answer.status).toBe(201)
  })

  it.each([
    ['GET', '/v1/nothing-here'],
    ['GET', '/v2/participants'],
    ['POST', '/v1/participants/anyone/promote'],
  ])('answers an unknown route %s %s with 404 not-found', async (method, path) => {
    expectRefused(await call(method, path, { as: admin }), 404, 'not-found')
  })

  it('refuses an unauthenticated write before reading its body', async () => {
    const answer = await call('PUT', `/v1/participants/${uniqueId('err')}`, { rawBody: '{', headers: {} })
    expectRefused(answer, 401, 'unauthenticated')
  })

  describe('never echoes personal data', () => {
    const phone = '+86 139 2871 4406'
    const email = 'wang.xiaoming.4406@example.cn'
    const person = '王小明'

    it('in a refusal of an invalid participant carrying a valid contact', async () => {
      const body = { ...(await validParticipant()), kind: 'village', contact: { name: person, email, phone } }
      const answer = await call('PUT', `/v1/participants/${uniqueId('err')}`, { as: admin, body })
      expectRefused(answer, 422, 'validation-failed')
      expect(errorPaths(answer)).toContain('/kind')
      const text = JSON.stringify(answer.body)
      for (const personal of [phone, email, person, '13928714406']) expect(text).not.toContain(personal)
    })

    it('in a refusal of the personal fields themselves', async () => {
      const badPhone = '139-2871-4406 ext. Wang Xiaoming'
      const badEmail = 'wang.xiaoming at example.cn'
      const body = {
        ...(await validParticipant()),
        contact: { name: person, email: badEmail, phone: badPhone },
      }
      const answer = await call('PUT', `/v1/participants/${uniqueId('err')}`, { as: admin, body })
      expectRefused(answer, 422, 'validation-failed')
      expect(errorPaths(answer)).toEqual(expect.arrayContaining(['/contact/phone', '/contact/email']))
      const text = JSON.stringify(answer.body)
      for (const personal of [badPhone, badEmail, '2871-4406', 'Xiaoming', person])
        expect(text).not.toContain(personal)
    })

    it('in a refusal of an unknown personal field', async () => {
      const body = { ...(await validParticipant()), contact: { phone, idCard: '610113199001011234' } }
      const answer = await call('PUT', `/v1/participants/${uniqueId('err')}`, { as: admin, body })
      expectRefused(answer, 422, 'validation-failed')
      expect(errorPaths(answer)).toEqual(['/contact/idCard'])
      const text = JSON.stringify(answer.body)
      for (const personal of [phone, '610113199001011234']) expect(text).not.toContain(personal)
    })
  })
})
