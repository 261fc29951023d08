import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { dynamodbChangeWriter } from '#functions/adapters/dynamodb-change-writer.js'
import { dynamodbInboxStore } from '#functions/adapters/dynamodb-inbox-store.js'
import { parseConfig } from '#functions/config.js'
import { dynamodbClient } from '#functions/dependencies/stores.js'
import type { Change } from '#shared/store/changes.js'
import { exchange } from '../../support/exchange-client.js'

const settings = parseConfig(exchange.env)
const client = dynamodbClient(settings)
const store = dynamodbInboxStore(client, settings.INBOX_TABLE)
const writer = dynamodbChangeWriter(client, {
  state: settings.STATE_TABLE,
  audit: settings.AUDIT_TABLE,
  inbox: settings.INBOX_TABLE,
})

afterAll(() => client.destroy())

const enqueued = (recipient: string, caseId: string, visibleAt: number, version = 1): Change => ({
  kind: 'enqueue-message',
  recipient,
  message: {
    messageId: randomUUID(),
    type: 'case.submitted',
    caseId,
    home: 'xian-beilin',
    version,
    createdAt: new Date(visibleAt).toISOString(),
    body: {},
  },
  visibleAt,
  order: undefined,
})

describe('the DynamoDB inbox store', () => {
  it('lists pullable messages longest visible first, a page at a time', async () => {
    const recipient = `r-${randomUUID()}`
    await writer.commit(
      Array.from({ length: 25 }, (_, index) => enqueued(recipient, `case-${index}`, 1000 + index)),
    )
    const first = await store.pullable(recipient, 2000, 10)
    const second = await store.pullable(recipient, 2000, 10, first.at(-1))
    const last = await store.pullable(recipient, 2000, 10, second.at(-1))
    expect([...first, ...second, ...last].map((candidate) => candidate.visibleAt)).toEqual(
      Array.from({ length: 25 }, (_, index) => 1000 + index),
    )
    expect(first[0]).toEqual({ caseId: 'case-0', seq: 1, visibleAt: 1000 })
    expect(await store.pullable(recipient, 1004, 100)).toHaveLength(5)
  })

  it('numbers the messages of one case in one commit and lists only the first', async () => {
    const recipient = `r-${randomUUID()}`
    await writer.commit([enqueued(recipient, 'case-1', 1000, 1), enqueued(recipient, 'case-1', 1000, 2)])
    expect(await store.pullable(recipient, 5000, 10)).toEqual([{ caseId: 'case-1', seq: 1, visibleAt: 1000 }])
    expect(await store.order(recipient, 'case-1')).toEqual({ nextSeq: 3, pending: 2 })
    const queue = await store.caseQueue(recipient, 'case-1')
    expect(queue).toMatchObject({
      order: { nextSeq: 3, pending: 2 },
      oldest: { caseId: 'case-1', seq: 1, deliveryCount: 0, lease: undefined, record: { version: 1 } },
    })
  })

  it('leases a candidate once: a second lease of the same listing loses', async () => {
    const recipient = `r-${randomUUID()}`
    await writer.commit([enqueued(recipient, 'case-1', 1000)])
    const [candidate] = await store.pullable(recipient, 2000, 10)
    if (candidate === undefined) throw new Error('nothing pullable')
    const leased = await store.lease(recipient, candidate, { token: 'token-a', until: 62_000 })
    expect(leased).toMatchObject({ deliveryCount: 1, lease: 'token-a' })
    expect(await store.lease(recipient, candidate, { token: 'token-b', until: 63_000 })).toBeUndefined()
    expect(await store.pullable(recipient, 61_999, 10)).toEqual([])
    expect(await store.pullable(recipient, 62_000, 10)).toEqual([
      { caseId: 'case-1', seq: 1, visibleAt: 62_000 },
    ])
  })

  it('reads no queue for a case never sent to, and never leases a message that is gone', async () => {
    const recipient = `r-${randomUUID()}`
    expect(await store.caseQueue(recipient, 'case-1')).toBeUndefined()
    expect(await store.order(recipient, 'case-1')).toBeUndefined()
    expect(
      await store.lease(recipient, { caseId: 'case-1', seq: 1, visibleAt: 1000 }, { token: 't', until: 2 }),
    ).toBeUndefined()
    expect(await store.caseQueue(recipient, 'case-1')).toBeUndefined()
  })

  it('keeps cases whose ids extend one another apart', async () => {
    const recipient = `r-${randomUUID()}`
    await writer.commit([enqueued(recipient, 'case-1', 1000), enqueued(recipient, 'case-1.2', 1000)])
    const queue = await store.caseQueue(recipient, 'case-1')
    expect(queue?.oldest?.caseId).toBe('case-1')
    expect(await store.pullable(recipient, 5000, 10)).toHaveLength(2)
  })
})
