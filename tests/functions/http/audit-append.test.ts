import { createHash, randomUUID } from 'node:crypto'
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb'
import canonicalize from 'canonicalize'
import { afterAll, describe, expect, it } from 'vitest'
import { newPrivateJwk, publicJwkOf } from '#local/keys.js'
import {
  admin,
  type Caller,
  call,
  exchange,
  mintToken,
  participantBody,
  registerParticipant,
  uniqueId,
} from '../../support/exchange-client.js'

const setting = (name: string): string => {
  const value = exchange.env[name]
  if (value === undefined) throw new Error(`the exchange's environment has no ${name}`)
  return value
}

const dynamodb = new DynamoDBClient({
  endpoint: setting('DYNAMODB_ENDPOINT'),
  region: setting('AWS_REGION'),
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
})
const auditTable = setting('AUDIT_TABLE')

const genesis = '0'.repeat(64)

/** An audit event as stored, with the sequence number its sort key gives it. */
type StoredEvent = {
  seq: number
  /** The stored JSON text, for asserting what it does not contain. */
  text: string
  // biome-ignore lint/suspicious/noExplicitAny: events are read back as plain JSON and asserted on.
  event: any
}

/** Every committed event of a chain in order, and the chain head as read just before them. */
const readChain = async (chain: string) => {
  const pk = `chain#${chain}`
  const { Item: head } = await dynamodb.send(
    new GetItemCommand({
      TableName: auditTable,
      Key: { pk: { S: pk }, sk: { S: 'head' } },
      ConsistentRead: true,
    }),
  )
  const events: StoredEvent[] = []
  let start: Record<string, never> | undefined
  do {
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: auditTable,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': { S: pk }, ':events': { S: 'event#' } },
        ConsistentRead: true,
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      }),
    )
    for (const item of page.Items ?? []) {
      const text = item.doc?.S ?? ''
      const event = JSON.parse(text)
      expect(item.eventId?.S).toBe(event.eventId)
      events.push({ seq: Number(item.sk?.S?.slice('event#'.length)), text, event })
    }
    start = page.LastEvaluatedKey as Record<string, never> | undefined
  } while (start !== undefined)
  return {
    head: head === undefined ? undefined : { seq: Number(head.seq?.N), hash: head.hash?.S },
    events,
  }
}

/** The contract's hash: hex SHA-256 of the JCS form of the event without `hash` and `leafIndex`. */
const hashOf = (event: Record<string, unknown>) => {
  const { hash: _hash, leafIndex: _leafIndex, ...hashed } = event
  return createHash('sha256')
    .update(canonicalize(hashed) ?? '', 'utf8')
    .digest('hex')
}

/** Reads a chain and asserts it is whole: seq 1..n without gaps, every hash right, every link intact. */
const expectValidChain = async (chain: string) => {
  const { head, events } = await readChain(chain)
  expect(events.length).toBeGreaterThan(0)
  expect(events.map((stored) => stored.seq)).toEqual(events.map((_, index) => index + 1))
  events.forEach(({ event }, index) => {
    expect(event.hash, `hash of event ${index + 1} of ${chain}`).toBe(hashOf(event))
    expect(event.prevHash, `link of event ${index + 1} of ${chain}`).toBe(
      index === 0 ? genesis : events[index - 1]?.event.hash,
    )
  })
  expect(head).toBeDefined()
  expect(head?.seq).toBeLessThanOrEqual(events.length)
  expect(head?.hash).toBe(events[(head?.seq ?? 0) - 1]?.event.hash)
  return events
}

const adminChain = 'participant#admin'

const eventsAbout = async (chain: string, key: string, id: string) =>
  (await readChain(chain)).events.filter((stored) => stored.event.details?.[key] === id)

afterAll(() => dynamodb.destroy())

describe('audit append', () => {
  it('writes a participant registration as a hashed event linked into the admin chain', async () => {
    const sub = uniqueId('registrar')
    const id = uniqueId('aud')
    const jwk = await newPrivateJwk()
    const answer = await call('PUT', `/v1/participants/${id}`, {
      token: await mintToken(admin, { claims: { sub } }),
      body: participantBody(jwk, ['accepting', 'home']),
    })
    expect(answer.status).toBe(201)
    const events = await expectValidChain(adminChain)
    const mine = events.filter((stored) => stored.event.details?.participantId === id)
    expect(mine).toHaveLength(1)
    expect(mine[0]?.event).toMatchObject({
      eventId: expect.any(String),
      actor: { participant: 'admin', sub },
      action: 'participant.registered',
      details: {
        participantId: id,
        version: 1,
        status: 'active',
        roles: ['accepting', 'home'],
        kids: [jwk.kid],
      },
    })
    expect(Number.isNaN(Date.parse(mine[0]?.event.at))).toBe(false)
  })

  it('keeps names and contact details out of events', async () => {
    const id = uniqueId('aud')
    const personal = {
      name: '西安市雁塔区政务服务中心',
      contact: { name: '李建国', email: 'li.jianguo.7731@example.cn', phone: '+86 138 0291 7731' },
    }
    const answer = await call('PUT', `/v1/participants/${id}`, {
      as: admin,
      body: participantBody(await newPrivateJwk(), ['home'], personal),
    })
    expect(answer.status).toBe(201)
    const mine = await eventsAbout(adminChain, 'participantId', id)
    expect(mine).toHaveLength(1)
    for (const { text } of mine) {
      for (const value of [personal.name, ...Object.values(personal.contact), '13802917731', '7731']) {
        expect(text).not.toContain(value)
      }
      expect(text).not.toMatch(/"(contact|phone|email)"/)
    }
  })

  it('adds no event for an identical repeated PUT, and one for a change', async () => {
    const id = uniqueId('aud')
    const body = participantBody(await newPrivateJwk(), ['accepting'])
    expect((await call('PUT', `/v1/participants/${id}`, { as: admin, body })).status).toBe(201)
    expect((await call('PUT', `/v1/participants/${id}`, { as: admin, body })).status).toBe(200)
    expect(await eventsAbout(adminChain, 'participantId', id)).toHaveLength(1)
    const changed = await call('PUT', `/v1/participants/${id}`, {
      as: admin,
      body: { ...body, name: 'Renamed' },
    })
    expect(changed.status).toBe(200)
    const mine = await eventsAbout(adminChain, 'participantId', id)
    expect(mine.map((stored) => [stored.event.action, stored.event.details.version])).toEqual([
      ['participant.registered', 1],
      ['participant.updated', 2],
    ])
  })

  it('adds no event for a write refused over a kid another participant owns', async () => {
    const owner = await registerParticipant(['home'])
    const loser = uniqueId('aud')
    const answer = await call('PUT', `/v1/participants/${loser}`, {
      as: admin,
      body: participantBody(owner.jwk, ['accepting']),
    })
    expect(answer.status).toBe(422)
    expect(await eventsAbout(adminChain, 'participantId', loser)).toHaveLength(0)
    await expectValidChain(adminChain)
  })

  it('records suspension and reinstatement', async () => {
    const subject = await registerParticipant(['home'])
    expect((await call('POST', `/v1/participants/${subject.id}/suspend`, { as: admin })).status).toBe(200)
    expect((await call('POST', `/v1/participants/${subject.id}/reinstate`, { as: admin })).status).toBe(200)
    const mine = await eventsAbout(adminChain, 'participantId', subject.id)
    expect(mine.map((stored) => [stored.event.action, stored.event.details.status])).toEqual([
      ['participant.registered', 'active'],
      ['participant.suspended', 'suspended'],
      ['participant.reinstated', 'active'],
    ])
  })

  it('records item and agreement registrations', async () => {
    const parties = await Promise.all([registerParticipant(['accepting']), registerParticipant(['home'])])
    const code = uniqueId('610100-aud')
    const item = await call('PUT', `/v1/items/${code}`, {
      as: admin,
      body: {
        name: '社会保险登记',
        modes: ['online'],
        promisedDays: 2,
        statutoryDays: 10,
        dayKind: 'working',
        materials: [],
      },
    })
    expect(item.status).toBe(201)
    const agreementId = uniqueId('aud')
    const agreement = await call('PUT', `/v1/agreements/${agreementId}`, {
      as: admin,
      body: {
        parties: parties.map((party) => party.id),
        items: [code],
        validFrom: '2026-01-01T00:00:00+08:00',
      },
    })
    expect(agreement.status).toBe(201)
    const [itemEvents, agreementEvents] = await Promise.all([
      eventsAbout(adminChain, 'itemCode', code),
      eventsAbout(adminChain, 'agreementId', agreementId),
    ])
    expect(itemEvents.map((stored) => stored.event.action)).toEqual(['item.registered'])
    expect(agreementEvents.map((stored) => stored.event.action)).toEqual(['agreement.registered'])
    expect(agreementEvents[0]?.event.details).toMatchObject({
      parties: parties.map((party) => party.id),
      items: [code],
    })
    await expectValidChain(adminChain)
  })

  it("starts a participant's own chain at genesis when it rotates its keys", async () => {
    const holder: Caller = await registerParticipant(['accepting'])
    const next = await newPrivateJwk()
    const sub = `rotator-${randomUUID()}`
    const answer = await call('PUT', `/v1/participants/${holder.id}/jwks`, {
      token: await mintToken(holder, { claims: { sub } }),
      body: { jwks: { keys: [publicJwkOf(next)] } },
    })
    expect(answer.status).toBe(200)
    const events = await expectValidChain(`participant#${holder.id}`)
    expect(events).toHaveLength(1)
    expect(events[0]?.event).toMatchObject({
      prevHash: genesis,
      actor: { participant: holder.id, sub },
      action: 'participant.keys-rotated',
      details: { participantId: holder.id, version: 2, kids: [next.kid] },
    })
  })

  it('keeps the admin chain gapless and linked under ten concurrent registrations', async () => {
    const ids = Array.from({ length: 10 }, () => uniqueId('aud-burst'))
    const answers = await Promise.all(
      ids.map(async (id) =>
        call('PUT', `/v1/participants/${id}`, {
          as: admin,
          body: participantBody(await newPrivateJwk(), ['accepting']),
        }),
      ),
    )
    expect(answers.map((answer) => answer.status)).toEqual(ids.map(() => 201))
    const events = await expectValidChain(adminChain)
    const burst = events.filter((stored) => ids.includes(stored.event.details?.participantId))
    expect(burst.map((stored) => stored.event.details.participantId).sort()).toEqual([...ids].sort())
    expect(new Set(burst.map((stored) => stored.event.eventId)).size).toBe(ids.length)
  })
})
