import { QueryCommand } from '@aws-sdk/client-dynamodb'
import { afterAll, describe, expect, it } from 'vitest'
import { parseConfig } from '#functions/config.js'
import { dynamodbClient, storeDependencies } from '#functions/dependencies/stores.js'
import { commitAudited } from '#shared/audit/append-audited.js'
import { enqueue } from '#shared/inbox/enqueue.js'
import { InboxMessage, type NewMessage } from '#shared/inbox/inbox-message.js'
import {
  type Caller,
  call,
  errorPaths,
  exchange,
  expectProblem,
  mintToken,
  registerParticipant,
  uniqueId,
} from '../../support/exchange-client.js'

const settings = parseConfig(exchange.env)
const { inbox: deps } = storeDependencies(settings)
const dynamodb = dynamodbClient(settings)

afterAll(() => dynamodb.destroy())

const message = (recipient: Caller, caseId: string, version = 1): NewMessage => ({
  recipient: recipient.id,
  type: version === 1 ? 'case.submitted' : 'case.resubmitted',
  caseId,
  home: recipient.id,
  version,
  body: { note: `version ${version}` },
})

/** Sends messages as a case transition would: enqueued in the same atomic commit. Answers their ids. */
const send = (messages: NewMessage[]) =>
  commitAudited(deps, async () => {
    const changes = await enqueue(deps, messages)
    const ids = changes.flatMap((change) =>
      change.kind === 'enqueue-message' ? [change.message.messageId] : [],
    )
    return { changes, audit: [], result: ids }
  })

/** Calls pull or ack as `caller`, from the system `sub` when given. */
const inbox = async (verb: 'pull' | 'ack', caller: Caller, body: unknown, sub?: string) =>
  call('POST', `/v1/inbox/${verb}`, {
    ...(sub === undefined ? { as: caller } : { token: await mintToken(caller, { claims: { sub } }) }),
    body,
  })

const pulled = async (caller: Caller, body: unknown = {}, sub?: string): Promise<InboxMessage[]> => {
  const answer = await inbox('pull', caller, body, sub)
  expect(answer.status).toBe(200)
  return answer.body.messages
}

const acked = async (caller: Caller, leases: string[], sub?: string) => {
  const answer = await inbox('ack', caller, { leases }, sub)
  expect(answer.status).toBe(200)
  return answer.body as { acked: number; stale: number }
}

const leasesOf = (messages: InboxMessage[]) => messages.map((m) => m.lease)
const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms))

describe('POST /v1/inbox/pull', () => {
  it('leases waiting messages in the contract shape', async () => {
    const home = await registerParticipant(['home'])
    const caseId = uniqueId('case')
    const [messageId] = await send([message(home, caseId)])
    const messages = await pulled(home)
    expect(messages).toEqual([
      {
        messageId,
        lease: expect.any(String),
        type: 'case.submitted',
        caseId,
        home: home.id,
        version: 1,
        createdAt: expect.any(String),
        deliveryCount: 1,
        body: { note: 'version 1' },
      },
    ])
    expect(InboxMessage.safeParse(messages[0]).success).toBe(true)
    expect(await pulled(home)).toEqual([])
  })

  it("never hands out another participant's messages", async () => {
    const home = await registerParticipant(['home'])
    const other = await registerParticipant(['home'])
    await send([message(home, uniqueId('case'))])
    expect(await pulled(other)).toEqual([])
    expect(await pulled(home)).toHaveLength(1)
  })

  it('never gives two systems of one participant the same unexpired message', async () => {
    const home = await registerParticipant(['accepting'])
    const cases = Array.from({ length: 60 }, () => uniqueId('case'))
    const sent = [
      ...(await send(cases.slice(0, 30).map((caseId) => message(home, caseId)))),
      ...(await send(cases.slice(30).map((caseId) => message(home, caseId)))),
    ]
    const [a, b] = await Promise.all([
      pulled(home, { max: 50 }, 'system-a'),
      pulled(home, { max: 50 }, 'system-b'),
    ])
    const ids = [...(a ?? []), ...(b ?? [])].map((m) => m.messageId)
    expect(new Set(ids).size).toBe(ids.length)
    const rest = await pulled(home, { max: 100 }, 'system-c')
    expect([...ids, ...rest.map((m) => m.messageId)].sort()).toEqual([...sent].sort())
  })

  it.each([
    [{ max: 0 }, '/max'],
    [{ max: 101 }, '/max'],
    [{ max: 2.5 }, '/max'],
    [{ leaseSeconds: 9 }, '/leaseSeconds'],
    [{ leaseSeconds: 901 }, '/leaseSeconds'],
    [{ max: '10' }, '/max'],
    [{ wait: 20 }, '/wait'],
  ])('refuses %o with 422', async (body, path) => {
    const home = await registerParticipant(['home'])
    const answer = await inbox('pull', home, body)
    expectProblem(answer, 422, 'validation-failed')
    expect(errorPaths(answer)).toEqual([path])
  })

  it('needs a token', async () => {
    expectProblem(await call('POST', '/v1/inbox/pull', { body: {} }), 401, 'unauthenticated')
  })
})

describe('POST /v1/inbox/ack', () => {
  it('removes acked messages and records each ack in the audit log of its case', async () => {
    const home = await registerParticipant(['home'])
    const caseId = uniqueId('case')
    const [messageId] = await send([message(home, caseId)])
    const messages = await pulled(home, {}, 'case-system')
    expect(await acked(home, leasesOf(messages), 'case-system')).toEqual({ acked: 1, stale: 0 })
    const { Items = [] } = await dynamodb.send(
      new QueryCommand({
        TableName: settings.AUDIT_TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': { S: `chain#case#${caseId}` }, ':events': { S: 'event#' } },
        ConsistentRead: true,
      }),
    )
    expect(Items.map((item) => JSON.parse(item.doc?.S ?? '{}'))).toEqual([
      expect.objectContaining({
        action: 'inbox.acked',
        actor: { participant: home.id, sub: 'case-system' },
        caseId,
        home: home.id,
        details: { messageId, type: 'case.submitted' },
        prevHash: '0'.repeat(64),
      }),
    ])
  })

  it('counts malformed, foreign and spent leases as stale, never as an error', async () => {
    const home = await registerParticipant(['home'])
    const other = await registerParticipant(['home'])
    await send([message(home, uniqueId('case')), message(other, uniqueId('case'))])
    const mine = leasesOf(await pulled(home))
    const theirs = leasesOf(await pulled(other))
    expect(await acked(home, mine)).toEqual({ acked: 1, stale: 0 })
    expect(await acked(home, ['', 'not-a-lease', 'eyJ4IjoxfQ', ...theirs, ...mine])).toEqual({
      acked: 0,
      stale: 5,
    })
    expect(await acked(other, theirs)).toEqual({ acked: 1, stale: 0 })
  })

  it.each([
    [{ leases: [] }, '/leases'],
    [{ leases: Array.from({ length: 101 }, () => 'x') }, '/leases'],
    [{ leases: 'x' }, '/leases'],
    [{}, '/leases'],
  ])('refuses %o with 422', async (body, path) => {
    const home = await registerParticipant(['home'])
    const answer = await inbox('ack', home, body)
    expectProblem(answer, 422, 'validation-failed')
    expect(errorPaths(answer)).toEqual([path])
  })
})

// Concurrent: two of these mostly wait for leases to expire while the third works.
describe('delivery', () => {
  it.concurrent('brings an unacked message back after its lease expires, with deliveryCount + 1', async () => {
    const home = await registerParticipant(['home'])
    const [kept, done] = [uniqueId('case'), uniqueId('case')]
    await send([message(home, kept), message(home, done)])
    const first = await pulled(home, { leaseSeconds: 10 })
    expect(first.map((m) => [m.caseId, m.deliveryCount]).sort()).toEqual(
      [
        [kept, 1],
        [done, 1],
      ].sort(),
    )
    await acked(home, leasesOf(first.filter((m) => m.caseId === done)))
    expect(await pulled(home)).toEqual([])
    await sleep(10_500)
    const again = await pulled(home)
    expect(again.map((m) => [m.caseId, m.deliveryCount])).toEqual([[kept, 2]])
    expect(again[0]?.lease).not.toBe(first.find((m) => m.caseId === kept)?.lease)
    expect(await acked(home, leasesOf(first))).toEqual({ acked: 0, stale: 2 })
    expect(await acked(home, leasesOf(again))).toEqual({ acked: 1, stale: 0 })
  })

  it.concurrent('keeps the next message of a case back until the one before is acked', async () => {
    const home = await registerParticipant(['home'])
    const caseId = uniqueId('case')
    await send([message(home, caseId, 1), message(home, caseId, 2)])
    const first = await pulled(home, { leaseSeconds: 10 })
    expect(first.map((m) => m.version)).toEqual([1])
    expect(await pulled(home)).toEqual([])
    await sleep(10_500)
    const redelivered = await pulled(home, { max: 100 })
    expect(redelivered.map((m) => [m.version, m.deliveryCount])).toEqual([[1, 2]])
    expect(await acked(home, leasesOf(redelivered))).toEqual({ acked: 1, stale: 0 })
    const second = await pulled(home)
    expect(second.map((m) => [m.version, m.deliveryCount])).toEqual([[2, 1]])
  })

  it.concurrent('gives 1,000 messages to four systems pulling at once: each once, in case order, none lost', async () => {
    const home = await registerParticipant(['home'])
    const cases = Array.from({ length: 100 }, () => uniqueId('case'))
    // 100 cases of 10 messages each, every case in its own commit (as ten transitions would be).
    const sent = (
      await Promise.all(
        cases.map((caseId) => send(Array.from({ length: 10 }, (_, v) => message(home, caseId, v + 1)))),
      )
    ).flat()
    expect(new Set(sent).size).toBe(1000)

    const deliveries: { puller: string; message: InboxMessage }[] = []
    let ackedCount = 0
    let staleCount = 0
    const deadline = Date.now() + 50_000
    const puller = async (sub: string) => {
      while (ackedCount < sent.length && Date.now() < deadline) {
        const messages = await pulled(home, { max: 25, leaseSeconds: 300 }, sub)
        if (messages.length === 0) {
          await sleep(20)
          continue
        }
        for (const delivered of messages) deliveries.push({ puller: sub, message: delivered })
        const result = await acked(home, leasesOf(messages), sub)
        ackedCount += result.acked
        staleCount += result.stale
      }
    }
    await Promise.all(['system-1', 'system-2', 'system-3', 'system-4'].map(puller))

    expect({ acked: ackedCount, stale: staleCount }).toEqual({ acked: 1000, stale: 0 })
    const ids = deliveries.map(({ message }) => message.messageId)
    expect(ids.length).toBe(1000)
    expect([...ids].sort()).toEqual([...sent].sort())
    expect(deliveries.every(({ message }) => message.deliveryCount === 1)).toBe(true)
    for (const caseId of cases) {
      const versions = deliveries
        .filter(({ message }) => message.caseId === caseId)
        .map(({ message }) => message.version)
      expect(versions, caseId).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    }
    expect(new Set(deliveries.map(({ puller }) => puller)).size).toBeGreaterThan(1)
    expect(await pulled(home, { max: 100 })).toEqual([])
  }, 60_000)
})
