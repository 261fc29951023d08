import { describe, expect, it } from 'vitest'
import { commitAudited } from '#shared/audit/append-audited.js'
import { AckRequest, ackMessages } from '#shared/inbox/ack-messages.js'
import { enqueue } from '#shared/inbox/enqueue.js'
import type { NewMessage } from '#shared/inbox/inbox-message.js'
import { encodeLease } from '#shared/inbox/lease.js'
import { pullMessages } from '#shared/inbox/pull-messages.js'
import type { Principal } from '#shared/trust/principal.js'
import { inboxDeps } from '../../support/in-memory-inbox.js'

type Deps = ReturnType<typeof inboxDeps>

const recipient = 'xian-beilin'
const caller: Principal = { participant: recipient, sub: 'case-system', roles: ['home'] }

const message = (caseId: string, version = 1, to = recipient): NewMessage => ({
  recipient: to,
  type: version === 1 ? 'case.submitted' : 'case.withdrawn',
  caseId,
  home: recipient,
  version,
  body: {},
})

const send = (deps: Deps, messages: NewMessage[]) =>
  commitAudited(deps, async () => ({ changes: await enqueue(deps, messages), audit: [], result: undefined }))

const pull = (deps: Deps, max = 10, leaseSeconds = 60, to = recipient) =>
  pullMessages(deps, { recipient: to, max, leaseSeconds })

const ack = (deps: Deps, leases: string[], by: Principal = caller) =>
  ackMessages(deps, { caller: by, leases })

const leasesOf = (pulled: { messages: { lease: string }[] }) => pulled.messages.map((m) => m.lease)

describe('ackMessages', () => {
  it('removes the message and records the ack as an audit event of the case', async () => {
    const deps = inboxDeps()
    await send(deps, [message('case-1')])
    const [pulled] = (await pull(deps)).messages
    expect(await ack(deps, leasesOf({ messages: pulled ? [pulled] : [] }))).toEqual({ acked: 1, stale: 0 })
    expect(deps.inbox.of(recipient)).toEqual([])
    expect(await deps.inbox.order(recipient, 'case-1')).toEqual({ nextSeq: 2, pending: 0 })
    expect(deps.stores.chain('case#case-1')).toEqual([
      expect.objectContaining({
        actor: { participant: recipient, sub: 'case-system' },
        action: 'inbox.acked',
        caseId: 'case-1',
        home: recipient,
        details: { messageId: pulled?.messageId, type: 'case.submitted' },
        at: deps.clock().toISOString(),
      }),
    ])
  })

  it('never delivers an acked message again', async () => {
    const deps = inboxDeps()
    await send(deps, [message('case-1')])
    await ack(deps, leasesOf(await pull(deps, 10, 10)))
    deps.clock.advance(3600)
    expect(await pull(deps)).toEqual({ messages: [] })
  })

  it('makes the next message of the case pullable, and only that one', async () => {
    const deps = inboxDeps()
    await send(deps, [message('case-1', 1), message('case-1', 2), message('case-1', 3)])
    const first = await pull(deps)
    expect(first.messages.map((m) => m.version)).toEqual([1])
    deps.clock.advance(5)
    await ack(deps, leasesOf(first))
    const second = await pull(deps)
    expect(second.messages.map((m) => [m.version, m.createdAt])).toEqual([[2, '2026-11-21T01:30:00.000Z']])
    expect(await deps.inbox.order(recipient, 'case-1')).toEqual({ nextSeq: 4, pending: 2 })
  })

  it('delivers a message sent after the case had nothing pending at once', async () => {
    const deps = inboxDeps()
    await send(deps, [message('case-1')])
    await ack(deps, leasesOf(await pull(deps)))
    await send(deps, [message('case-1', 2)])
    expect((await pull(deps)).messages.map((m) => m.version)).toEqual([2])
  })

  it('counts malformed leases, leases of other recipients and acked leases as stale and writes nothing', async () => {
    const deps = inboxDeps()
    await send(deps, [message('case-1'), message('case-2', 1, 'xian-lianhu')])
    const mine = leasesOf(await pull(deps))
    const theirs = leasesOf(await pull(deps, 10, 60, 'xian-lianhu'))
    await ack(deps, mine)
    const attempts = deps.stores.attempts.length
    expect(await ack(deps, ['', 'garbage', ...theirs, ...mine])).toEqual({ acked: 0, stale: 4 })
    expect(deps.stores.attempts).toHaveLength(attempts)
    expect(deps.inbox.of('xian-lianhu')).toHaveLength(1)
  })

  it('counts a lease that expired and was leased again as stale', async () => {
    const deps = inboxDeps()
    await send(deps, [message('case-1')])
    const old = leasesOf(await pull(deps, 10, 10))
    deps.clock.advance(10)
    const current = leasesOf(await pull(deps))
    expect(await ack(deps, old)).toEqual({ acked: 0, stale: 1 })
    expect(await ack(deps, current)).toEqual({ acked: 1, stale: 0 })
  })

  it('still acks with an expired lease nobody has taken over', async () => {
    const deps = inboxDeps()
    await send(deps, [message('case-1')])
    const leases = leasesOf(await pull(deps, 10, 10))
    deps.clock.advance(100)
    expect(await ack(deps, leases)).toEqual({ acked: 1, stale: 0 })
    expect(await pull(deps)).toEqual({ messages: [] })
  })

  it('counts the second of two copies of a lease as stale', async () => {
    const deps = inboxDeps()
    await send(deps, [message('case-1'), message('case-2')])
    const leases = leasesOf(await pull(deps))
    expect(await ack(deps, [...leases, ...leases])).toEqual({ acked: 2, stale: 2 })
  })

  it('counts a forged lease for a waiting message as stale', async () => {
    const deps = inboxDeps()
    await send(deps, [message('case-1', 1), message('case-1', 2)])
    const forged = encodeLease({ caseId: 'case-1', seq: 2, token: 'lease-token-000001' })
    expect(await ack(deps, [forged])).toEqual({ acked: 0, stale: 1 })
  })

  it('reveals a message enqueued while the ack was being built', async () => {
    const deps = inboxDeps()
    await send(deps, [message('case-1')])
    const leases = leasesOf(await pull(deps))
    const caseQueue = deps.inbox.caseQueue.bind(deps.inbox)
    let raced = false
    // The ack read the case with nothing behind its message; then a transition sent one.
    deps.inbox.caseQueue = async (to, caseId) => {
      const read = await caseQueue(to, caseId)
      if (!raced) {
        raced = true
        await send(deps, [message('case-1', 2)])
      }
      return read
    }
    expect(await ack(deps, leases)).toEqual({ acked: 1, stale: 0 })
    expect((await pull(deps)).messages.map((m) => m.version)).toEqual([2])
  })

  it('lets an enqueue that read the order before an ack rebuild and deliver its message', async () => {
    const deps = inboxDeps()
    await send(deps, [message('case-1')])
    const leases = leasesOf(await pull(deps))
    const order = deps.inbox.order.bind(deps.inbox)
    let raced = false
    deps.inbox.order = async (to, caseId) => {
      const read = await order(to, caseId)
      if (!raced) {
        raced = true
        deps.inbox.order = order
        await ack(deps, leases)
      }
      return read
    }
    await send(deps, [message('case-1', 2)])
    expect((await pull(deps)).messages.map((m) => m.version)).toEqual([2])
  })

  it('counts a lease whose case order is gone as stale', async () => {
    const deps = inboxDeps()
    await send(deps, [message('case-1')])
    const leases = leasesOf(await pull(deps))
    deps.inbox.orders.clear()
    expect(await ack(deps, leases)).toEqual({ acked: 0, stale: 1 })
  })

  it('refuses to ack when the case order does not start at the oldest message', async () => {
    const deps = inboxDeps()
    await send(deps, [message('case-1')])
    const leases = leasesOf(await pull(deps))
    deps.inbox.orders.set(`${recipient}|case-1`, { nextSeq: 5, pending: 1 })
    await expect(ack(deps, leases)).rejects.toThrow(/does not start at its oldest message/)
  })

  it('acks many leases of one request', async () => {
    const deps = inboxDeps()
    await send(
      deps,
      Array.from({ length: 40 }, (_, index) => message(`case-${index}`)),
    )
    const leases = leasesOf(await pull(deps, 40))
    expect(await ack(deps, leases)).toEqual({ acked: 40, stale: 0 })
    expect(deps.inbox.of(recipient)).toEqual([])
  })
})

describe('AckRequest', () => {
  it.each([
    { leases: [] },
    { leases: Array.from({ length: 101 }, () => 'x') },
    { leases: ['x'.repeat(1025)] },
    {},
  ])('refuses %o', (body) => {
    expect(AckRequest.safeParse(body).success).toBe(false)
  })
})
