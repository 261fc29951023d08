import { describe, expect, it } from 'vitest'
import { commitAudited } from '#shared/audit/append-audited.js'
import { enqueue } from '#shared/inbox/enqueue.js'
import type { NewMessage } from '#shared/inbox/inbox-message.js'
import { decodeLease } from '#shared/inbox/lease.js'
import { PullRequest, pullMessages } from '#shared/inbox/pull-messages.js'
import { inboxDeps } from '../../support/in-memory-inbox.js'

type Deps = ReturnType<typeof inboxDeps>

const recipient = 'xian-beilin'

const message = (caseId: string, version = 1): NewMessage => ({
  recipient,
  type: 'case.submitted',
  caseId,
  home: recipient,
  version,
  body: { caseId },
})

/** Sends one message per case, each case in its own commit a second after the one before. */
const sendCases = async (deps: Deps, count: number, perCase = 1) => {
  for (let index = 1; index <= count; index++) {
    const caseId = `case-${String(index).padStart(6, '0')}`
    const messages = Array.from({ length: perCase }, (_, version) => message(caseId, version + 1))
    await commitAudited(deps, async () => ({
      changes: await enqueue(deps, messages),
      audit: [],
      result: undefined,
    }))
    deps.clock.advance(1)
  }
}

const pull = (deps: Deps, max = 10, leaseSeconds = 60) => pullMessages(deps, { recipient, max, leaseSeconds })

const casesOf = (pulled: { messages: { caseId: string }[] }) => pulled.messages.map((m) => m.caseId)

describe('pullMessages', () => {
  it('leases up to max messages, longest waiting first, each with its own lease', async () => {
    const deps = inboxDeps()
    await sendCases(deps, 3)
    const { messages } = await pull(deps, 2)
    expect(messages).toEqual([
      {
        messageId: 'message-0001',
        lease: expect.any(String),
        type: 'case.submitted',
        caseId: 'case-000001',
        home: recipient,
        version: 1,
        createdAt: '2026-11-21T01:30:00.000Z',
        deliveryCount: 1,
        body: { caseId: 'case-000001' },
      },
      expect.objectContaining({ caseId: 'case-000002', deliveryCount: 1 }),
    ])
    expect(messages.map((m) => decodeLease(m.lease))).toEqual([
      { caseId: 'case-000001', seq: 1, token: 'lease-token-000001' },
      { caseId: 'case-000002', seq: 1, token: 'lease-token-000002' },
    ])
  })

  it('hides leased messages from the next pull until the lease expires', async () => {
    const deps = inboxDeps()
    await sendCases(deps, 3)
    await pull(deps, 2, 30)
    expect(casesOf(await pull(deps))).toEqual(['case-000003'])
    expect(casesOf(await pull(deps))).toEqual([])
    deps.clock.advance(29)
    expect(casesOf(await pull(deps))).toEqual([])
    deps.clock.advance(1)
    const again = await pull(deps)
    expect(again.messages.map((m) => [m.caseId, m.deliveryCount])).toEqual([
      ['case-000001', 2],
      ['case-000002', 2],
    ])
  })

  it('answers no messages from an empty inbox', async () => {
    expect(await pull(inboxDeps())).toEqual({ messages: [] })
  })

  it('delivers only the oldest unacked message of a case, however often it comes back', async () => {
    const deps = inboxDeps()
    await sendCases(deps, 1, 3)
    expect((await pull(deps)).messages.map((m) => m.version)).toEqual([1])
    deps.clock.advance(60)
    expect((await pull(deps)).messages.map((m) => [m.version, m.deliveryCount])).toEqual([[1, 2]])
  })

  it('leases no message it does not return, even when it wins every race', async () => {
    const deps = inboxDeps()
    await sendCases(deps, 30)
    await pull(deps, 7)
    const leased = deps.inbox.of(recipient).filter((item) => item.deliveryCount > 0)
    expect(leased).toHaveLength(7)
  })

  it('moves on past candidates another puller leased first', async () => {
    const deps = inboxDeps()
    await sendCases(deps, 30)
    const lease = deps.inbox.lease.bind(deps.inbox)
    // A rival leases each candidate a moment before this pull tries it, for the first 15 tries.
    let stolen = 0
    deps.inbox.lease = async (to, candidate, held) => {
      if (stolen < 15) {
        stolen++
        await lease(to, candidate, { token: 'rival-token-0000000', until: held.until })
      }
      return lease(to, candidate, held)
    }
    const { messages } = await pull(deps, 10)
    expect(messages).toHaveLength(10)
    expect(casesOf({ messages })).toEqual(
      Array.from({ length: 10 }, (_, index) => `case-${String(index + 16).padStart(6, '0')}`),
    )
  })

  it('tries candidates in random order and answers what it leased oldest first', async () => {
    const deps = { ...inboxDeps(), random: () => 0 }
    await sendCases(deps, 4)
    // Fisher-Yates with 0 every time turns [1, 2, 3, 4] into [2, 3, 4, 1]: it leases 2 and 3 first.
    expect(casesOf(await pull(deps, 2))).toEqual(['case-000002', 'case-000003'])
    expect(casesOf(await pull(deps, 2))).toEqual(['case-000001', 'case-000004'])
  })

  it('reads a bounded number of index entries however many messages wait', async () => {
    const deps = inboxDeps()
    await sendCases(deps, 2000)
    deps.inbox.indexEntriesRead = 0
    await pull(deps, 10)
    expect(deps.inbox.indexEntriesRead).toBeLessThanOrEqual(20)
  })

  it('gives up after a few pages when rivals keep winning', async () => {
    const deps = inboxDeps()
    await sendCases(deps, 200)
    deps.inbox.lease = async () => undefined
    deps.inbox.indexEntriesRead = 0
    expect(await pull(deps, 10)).toEqual({ messages: [] })
    expect(deps.inbox.indexEntriesRead).toBe(60)
  })
})

describe('PullRequest', () => {
  it('defaults to 10 messages for 60 seconds', () => {
    expect(PullRequest.parse({})).toEqual({ max: 10, leaseSeconds: 60 })
  })

  it.each([{ max: 0 }, { max: 101 }, { max: 1.5 }, { leaseSeconds: 9 }, { leaseSeconds: 901 }, { wait: 1 }])(
    'refuses %o',
    (body) => {
      expect(PullRequest.safeParse(body).success).toBe(false)
    },
  )

  it('accepts the bounds', () => {
    expect(PullRequest.parse({ max: 100, leaseSeconds: 900 })).toEqual({ max: 100, leaseSeconds: 900 })
    expect(PullRequest.parse({ max: 1, leaseSeconds: 10 })).toEqual({ max: 1, leaseSeconds: 10 })
  })
})
