import { describe, expect, it } from 'vitest'
import { commitAudited } from '#shared/audit/append-audited.js'
import { enqueue, placeMessages } from '#shared/inbox/enqueue.js'
import type { NewMessage } from '#shared/inbox/inbox-message.js'
import type { Change } from '#shared/store/changes.js'
import { inboxDeps } from '../../support/in-memory-inbox.js'

const message = (overrides: Partial<NewMessage> = {}): NewMessage => ({
  recipient: 'xian-beilin',
  type: 'case.submitted',
  caseId: 'case-1',
  home: 'xian-beilin',
  version: 1,
  body: { itemCode: 'tax-change' },
  ...overrides,
})

type Deps = ReturnType<typeof inboxDeps>

const send = (deps: Deps, messages: NewMessage[]) =>
  commitAudited(deps, async () => ({ changes: await enqueue(deps, messages), audit: [], result: undefined }))

const enqueued = (overrides: { recipient?: string; caseId?: string } = {}) =>
  ({
    kind: 'enqueue-message',
    recipient: overrides.recipient ?? 'r',
    message: {
      messageId: 'm',
      type: 'case.submitted',
      caseId: overrides.caseId ?? 'c',
      home: 'h1',
      version: 1,
      createdAt: '2026-11-21T01:30:00.000Z',
      body: {},
    },
    visibleAt: 1000,
    order: undefined,
  }) satisfies Change

describe('enqueue', () => {
  it('stamps each message with an id and the time, and carries the case order it read', async () => {
    const deps = inboxDeps()
    deps.inbox.orders.set('xian-beilin|case-1', { nextSeq: 4, pending: 1 })
    const changes = await enqueue(deps, [message(), message({ type: 'case.withdrawn', version: 2 })])
    expect(changes).toEqual([
      {
        kind: 'enqueue-message',
        recipient: 'xian-beilin',
        message: {
          messageId: 'message-0001',
          type: 'case.submitted',
          caseId: 'case-1',
          home: 'xian-beilin',
          version: 1,
          createdAt: '2026-11-21T01:30:00.000Z',
          body: { itemCode: 'tax-change' },
        },
        visibleAt: Date.parse('2026-11-21T01:30:00.000Z'),
        order: { nextSeq: 4, pending: 1 },
      },
      expect.objectContaining({
        message: expect.objectContaining({ messageId: 'message-0002', type: 'case.withdrawn', version: 2 }),
        order: { nextSeq: 4, pending: 1 },
      }),
    ])
  })

  it('reads the order of each recipient and case once', async () => {
    const deps = inboxDeps()
    const reads: string[] = []
    const order = deps.inbox.order.bind(deps.inbox)
    deps.inbox.order = (recipient, caseId) => {
      reads.push(`${recipient}/${caseId}`)
      return order(recipient, caseId)
    }
    await enqueue(deps, [
      message(),
      message({ version: 2 }),
      message({ recipient: 'xian-lianhu' }),
      message({ caseId: 'case-2' }),
    ])
    expect(reads.sort()).toEqual(['xian-beilin/case-1', 'xian-beilin/case-2', 'xian-lianhu/case-1'])
  })

  it('refuses a message no pull could deliver as the contract says', async () => {
    const deps = inboxDeps()
    await expect(enqueue(deps, [message({ home: 'Not A Participant' })])).rejects.toThrow()
    await expect(enqueue(deps, [message({ caseId: 'case#1' })])).rejects.toThrow()
    await expect(enqueue(deps, [message({ version: 0 })])).rejects.toThrow()
  })

  it('writes nothing for no messages', async () => {
    expect(await enqueue(inboxDeps(), [])).toEqual([])
  })

  it('makes the first message of a case pullable and keeps the next ones waiting behind it', async () => {
    const deps = inboxDeps()
    await send(deps, [message(), message({ version: 2 })])
    await send(deps, [message({ version: 3 })])
    expect(
      deps.inbox
        .of('xian-beilin')
        .map(({ seq, visibleAt, record }) => ({ seq, visibleAt, v: record.version })),
    ).toEqual([
      { seq: 1, visibleAt: deps.clock().getTime(), v: 1 },
      { seq: 2, visibleAt: undefined, v: 2 },
      { seq: 3, visibleAt: undefined, v: 3 },
    ])
    expect(await deps.inbox.order('xian-beilin', 'case-1')).toEqual({ nextSeq: 4, pending: 3 })
  })

  it('keeps the cases and recipients of one commit apart', async () => {
    const deps = inboxDeps()
    await send(deps, [message(), message({ caseId: 'case-2' }), message({ recipient: 'xian-lianhu' })])
    expect(
      deps.inbox.of('xian-beilin').map(({ caseId, seq, visibleAt }) => [caseId, seq, visibleAt]),
    ).toEqual([
      ['case-1', 1, deps.clock().getTime()],
      ['case-2', 1, deps.clock().getTime()],
    ])
    expect(deps.inbox.of('xian-lianhu')).toHaveLength(1)
  })

  it('rebuilds from a fresh order when another commit sent to the same case first', async () => {
    const deps = inboxDeps()
    let raced = false
    const order = deps.inbox.order.bind(deps.inbox)
    deps.inbox.order = async (recipient, caseId) => {
      const read = await order(recipient, caseId)
      if (!raced) {
        raced = true
        await send(deps, [message({ version: 7 })])
      }
      return read
    }
    await send(deps, [message({ version: 8 })])
    expect(deps.inbox.of('xian-beilin').map(({ seq, record }) => [seq, record.version])).toEqual([
      [1, 7],
      [2, 8],
    ])
    expect(await order('xian-beilin', 'case-1')).toEqual({ nextSeq: 3, pending: 2 })
  })
})

describe('placeMessages', () => {
  it('numbers one case from the order as read, in list order, moving the order once', () => {
    const first = { ...enqueued(), order: { nextSeq: 5, pending: 0 } }
    const second = { ...enqueued(), order: { nextSeq: 5, pending: 0 } }
    const other = enqueued({ caseId: 'd' })
    const { placements, moves } = placeMessages([first, other, second])
    expect([placements.get(first), placements.get(second), placements.get(other)]).toEqual([
      { seq: 5, visible: true },
      { seq: 6, visible: false },
      { seq: 1, visible: true },
    ])
    expect(moves).toEqual([
      {
        recipient: 'r',
        caseId: 'c',
        from: { nextSeq: 5, pending: 0 },
        to: { nextSeq: 7, pending: 2 },
        change: second,
      },
      { recipient: 'r', caseId: 'd', from: undefined, to: { nextSeq: 2, pending: 1 }, change: other },
    ])
  })

  it('hides every message of a case with messages pending', () => {
    const change = { ...enqueued(), order: { nextSeq: 3, pending: 2 } }
    expect(placeMessages([change]).placements.get(change)).toEqual({ seq: 3, visible: false })
  })

  it('checks the order as the first message read it when two enqueues of one commit read it apart', () => {
    const first = enqueued()
    const second = { ...enqueued(), order: { nextSeq: 2, pending: 1 } }
    expect(placeMessages([first, second]).moves).toEqual([
      expect.objectContaining({ from: undefined, to: { nextSeq: 3, pending: 2 } }),
    ])
  })

  it('ignores every other kind of change', () => {
    expect(placeMessages([{ kind: 'claim', namespace: 'kid', name: 'k', owner: 'o' }])).toEqual({
      placements: new Map(),
      moves: [],
    })
  })
})
