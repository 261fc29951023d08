import { beforeEach, describe, expect, it, vi } from 'vitest'
import { type AuditedChange, type AuditedWriteDeps, commitAudited } from '#shared/audit/append-audited.js'
import { type AuditDraft, type AuditEvent, genesisHash, hashEvent } from '#shared/audit/audit-event.js'
import { DomainError } from '#shared/errors.js'
import { type Change, WriteConflict } from '#shared/store/changes.js'
import { fixedClock, InMemoryStores, sequentialIds } from '../../support/in-memory-stores.js'

const now = '2026-11-21T01:30:00.000Z'

let stores: InMemoryStores
let deps: AuditedWriteDeps

beforeEach(() => {
  stores = new InMemoryStores()
  deps = { writer: stores, chains: stores, clock: fixedClock(now), newEventId: sequentialIds() }
})

const admin = { participant: 'admin', sub: 'console' }

const draft = (overrides: Partial<AuditDraft> = {}): AuditDraft => ({
  actor: admin,
  action: 'item.registered',
  details: { itemCode: 'tax' },
  ...overrides,
})

/** A build that writes `item/<id>` at the version after the stored one, from a fresh read each time. */
const putItem = (id: string, name: string, drafts: AuditDraft[] = [draft()]) =>
  vi.fn(async (): Promise<AuditedChange<number>> => {
    const current = await stores.get<{ name: string }>('item', id)
    const version = (current?.version ?? 0) + 1
    return {
      changes: [
        {
          kind: 'put-record',
          collection: 'item',
          id,
          value: { code: id, name, version },
          version,
          expectedVersion: current?.version ?? 0,
        },
      ],
      audit: drafts,
      result: version,
    }
  })

/** Checks a chain as an auditor would: every hash recomputes and every event links to the one before. */
const expectValidChain = (events: AuditEvent[]) => {
  events.forEach((event, index) => {
    expect(event.hash).toBe(hashEvent(event))
    expect(event.prevHash).toBe(index === 0 ? genesisHash : events[index - 1]?.hash)
  })
}

const appendEvents = (changes: Change[] | undefined) =>
  (changes ?? []).flatMap((change) => (change.kind === 'append-event' ? [change] : []))

describe('commitAudited', () => {
  it('writes the changes and one linked event per draft in one commit', async () => {
    const build = putItem('tax', 'Tax', [draft(), draft({ caseId: 'case-1', action: 'case.noted' })])
    await expect(commitAudited(deps, build)).resolves.toBe(1)

    expect(stores.committed).toHaveLength(1)
    const [written] = stores.committed
    expect(written?.map((change) => change.kind)).toEqual(['put-record', 'append-event', 'append-event'])
    expect(
      appendEvents(written).map(({ head, previousSeq }) => ({
        head: head.chain,
        seq: head.seq,
        previousSeq,
      })),
    ).toEqual([
      { head: 'participant#admin', seq: 1, previousSeq: 0 },
      { head: 'case#case-1', seq: 1, previousSeq: 0 },
    ])
    expect(stores.chain('participant#admin')).toMatchObject([
      { eventId: 'event-0001', at: now, actor: admin, action: 'item.registered', prevHash: genesisHash },
    ])
    expect(stores.chain('case#case-1')).toMatchObject([{ eventId: 'event-0002', caseId: 'case-1' }])
    expect(stores.heads.get('participant#admin')).toEqual({
      chain: 'participant#admin',
      seq: 1,
      hash: stores.chain('participant#admin')[0]?.hash,
    })
    expect(await stores.get('item', 'tax')).toEqual({
      value: { code: 'tax', name: 'Tax', version: 1 },
      version: 1,
    })
  })

  it('links to the head an earlier commit left', async () => {
    await commitAudited(deps, putItem('tax', 'Tax'))
    await commitAudited(deps, putItem('tax', 'Tax revised', [draft({ action: 'item.updated' })]))
    const events = stores.chain('participant#admin')
    expect(events.map((event) => event.action)).toEqual(['item.registered', 'item.updated'])
    expectValidChain(events)
    expect(stores.heads.get('participant#admin')?.seq).toBe(2)
  })

  it('links two drafts on one chain to each other and moves the head once', async () => {
    const build = putItem('tax', 'Tax', [draft(), draft({ action: 'item.noted' })])
    await commitAudited(deps, build)
    expect(appendEvents(stores.committed[0]).map(({ head, previousSeq }) => [head.seq, previousSeq])).toEqual(
      [
        [1, 0],
        [2, 1],
      ],
    )
    const events = stores.chain('participant#admin')
    expect(events).toHaveLength(2)
    expectValidChain(events)
    expect(stores.heads.get('participant#admin')).toMatchObject({ seq: 2, hash: events[1]?.hash })
  })

  it('writes nothing and answers the result when there are neither changes nor events', async () => {
    const build = vi.fn(
      async (): Promise<AuditedChange<string>> => ({ changes: [], audit: [], result: 'same' }),
    )
    await expect(commitAudited(deps, build)).resolves.toBe('same')
    expect(build).toHaveBeenCalledTimes(1)
    expect(stores.attempts).toEqual([])
    expect(stores.heads.size).toBe(0)
  })

  it('stamps events with the clock of the write, not the clock the use case reasons with', async () => {
    const written = '2026-11-21T04:00:00.000Z'
    const build = vi.fn(
      async (): Promise<AuditedChange<string>> => ({ changes: [], audit: [draft()], result: 'ok' }),
    )
    await commitAudited({ ...deps, stamp: () => new Date(written) }, build)
    const [event] = [...stores.events.values()].flat()
    expect(event?.at).toBe(written)
  })

  it('writes an event alone, as a read that must be audited does', async () => {
    const build = vi.fn(
      async (): Promise<AuditedChange<string>> => ({ changes: [], audit: [draft()], result: 'read' }),
    )
    await expect(commitAudited(deps, build)).resolves.toBe('read')
    expect(stores.attempts).toHaveLength(1)
    expect(stores.heads.size).toBe(1)
  })

  it('rebuilds from fresh reads after contention', async () => {
    stores.failNextCommit({ reason: 'contention' })
    const build = putItem('tax', 'Tax')
    await expect(commitAudited(deps, build)).resolves.toBe(1)
    expect(build).toHaveBeenCalledTimes(2)
    expect(stores.attempts).toHaveLength(2)
    expect(stores.committed).toHaveLength(1)
  })

  it('retries contention even when the policy would refuse', async () => {
    stores.failNextCommit({ reason: 'contention', on: (change) => change.kind === 'put-record' })
    const policy = vi.fn(() => new DomainError('version-conflict', 'refused'))
    await expect(commitAudited(deps, putItem('tax', 'Tax'), policy)).resolves.toBe(1)
    expect(policy).not.toHaveBeenCalled()
  })

  it('retries a moved chain head without asking the policy, and links to the new head', async () => {
    let raced = false
    const racingWriter = {
      commit: async (changes: readonly Change[]) => {
        if (!raced) {
          raced = true
          await commitAudited(deps, putItem('other', 'Other'))
        }
        return stores.commit(changes)
      },
    }
    const policy = vi.fn(() => new DomainError('version-conflict', 'refused'))
    const build = putItem('tax', 'Tax')
    await expect(commitAudited({ ...deps, writer: racingWriter }, build, policy)).resolves.toBe(1)
    expect(build).toHaveBeenCalledTimes(2)
    expect(policy).not.toHaveBeenCalled()
    const events = stores.chain('participant#admin')
    expect(events).toHaveLength(2)
    expectValidChain(events)
  })

  it('retries an injected condition failure on an append-event without asking the policy', async () => {
    stores.failNextCommit({ reason: 'condition', on: (change) => change.kind === 'append-event' })
    const policy = vi.fn(() => new DomainError('version-conflict', 'refused'))
    await expect(commitAudited(deps, putItem('tax', 'Tax'), policy)).resolves.toBe(1)
    expect(policy).not.toHaveBeenCalled()
  })

  it('retries a moved record by default, rebuilding at its new version', async () => {
    let raced = false
    const racingWriter = {
      commit: async (changes: readonly Change[]) => {
        if (!raced) {
          raced = true
          stores.seed('item', 'tax', { version: 1 })
        }
        return stores.commit(changes)
      },
    }
    const build = putItem('tax', 'Tax')
    await expect(commitAudited({ ...deps, writer: racingWriter }, build)).resolves.toBe(2)
    expect(build).toHaveBeenCalledTimes(2)
    expect((await stores.get('item', 'tax'))?.version).toBe(2)
  })

  it('throws the DomainError the policy returns, naming the failed change to it', async () => {
    stores.seed('item', 'tax', { version: 1 })
    const refusal = new DomainError('version-conflict', 'refused')
    const policy = vi.fn(() => refusal)
    const stale = async (): Promise<AuditedChange<number>> => ({
      changes: [
        { kind: 'put-record', collection: 'item', id: 'tax', value: {}, version: 1, expectedVersion: 0 },
      ],
      audit: [draft()],
      result: 1,
    })
    await expect(commitAudited(deps, stale, policy)).rejects.toBe(refusal)
    expect(policy).toHaveBeenCalledWith(expect.objectContaining({ kind: 'put-record', id: 'tax' }))
    expect(stores.attempts).toHaveLength(1)
    expect(stores.heads.size).toBe(0)
  })

  it('gives up with unavailable after 8 failed attempts', async () => {
    for (let i = 0; i < 9; i++) stores.failNextCommit({ reason: 'contention' })
    const build = putItem('tax', 'Tax')
    const failure = commitAudited(deps, build)
    await expect(failure).rejects.toBeInstanceOf(DomainError)
    await expect(failure).rejects.toMatchObject({ code: 'unavailable' })
    await expect(failure.catch((error: DomainError) => error.cause)).resolves.toBeInstanceOf(WriteConflict)
    expect(build).toHaveBeenCalledTimes(8)
    expect(stores.attempts).toHaveLength(8)
    expect(stores.committed).toEqual([])
  })

  it('succeeds on the 8th attempt', async () => {
    for (let i = 0; i < 7; i++) stores.failNextCommit({ reason: 'contention' })
    await expect(commitAudited(deps, putItem('tax', 'Tax'))).resolves.toBe(1)
    expect(stores.attempts).toHaveLength(8)
  })

  it('lets an error that is not a WriteConflict through untouched', async () => {
    const outage = new Error('ProvisionedThroughputExceeded')
    stores.failNextCommit({ error: outage })
    const build = putItem('tax', 'Tax')
    await expect(commitAudited(deps, build)).rejects.toBe(outage)
    expect(build).toHaveBeenCalledTimes(1)
  })

  it('lets an error of the build through without writing', async () => {
    const missing = new DomainError('not-found', 'The item was not found.')
    await expect(
      commitAudited(deps, async () => {
        throw missing
      }),
    ).rejects.toBe(missing)
    expect(stores.attempts).toEqual([])
  })

  it('commits two concurrent writers on one chain when one loses to contention', async () => {
    stores.failNextCommit({ reason: 'contention' })
    const first = putItem('tax', 'Tax')
    const second = putItem('licence', 'Licence', [draft({ details: { itemCode: 'licence' } })])
    await expect(Promise.all([commitAudited(deps, first), commitAudited(deps, second)])).resolves.toEqual([
      1, 1,
    ])

    expect(stores.attempts.length).toBeGreaterThanOrEqual(3)
    expect(stores.committed).toHaveLength(2)
    expect(await stores.get('item', 'tax')).toMatchObject({ version: 1 })
    expect(await stores.get('item', 'licence')).toMatchObject({ version: 1 })
    const events = stores.chain('participant#admin')
    expect(events.map((event) => event.details.itemCode).sort()).toEqual(['licence', 'tax'])
    expectValidChain(events)
    expect(stores.heads.get('participant#admin')).toMatchObject({ seq: 2, hash: events[1]?.hash })
  })

  it('serialises many concurrent writers on one chain', async () => {
    const builds = Array.from({ length: 5 }, (_, i) =>
      putItem(`item-${i}`, `Item ${i}`, [draft({ details: { itemCode: `item-${i}` } })]),
    )
    await Promise.all(builds.map((build) => commitAudited(deps, build)))
    const events = stores.chain('participant#admin')
    expect(events).toHaveLength(5)
    expectValidChain(events)
  })
})
