import { beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent } from '#shared/audit/audit-event.js'
import type { AuditEventIndex, EventPartition } from '#shared/audit/event-index.js'
import { EventQuery, type QueryEventsDeps, queryEvents } from '#shared/audit/query-events.js'
import { DomainError } from '#shared/errors.js'
import type { Principal } from '#shared/trust/principal.js'
import { inMemoryEventIndex, type SyntheticLog, syntheticLog } from '../../support/synthetic-audit-log.js'

const auditor: Principal = { participant: 'auditor-1', sub: 'audit-desk', roles: ['auditor'] }
const party = (participant: string): Principal => ({ participant, sub: 'case-system', roles: ['home'] })
const now = () => new Date('2026-12-01T00:00:00.000Z')

/** An index that also records which partitions were read. */
const recording = (index: ReturnType<typeof inMemoryEventIndex>) => {
  const partitions: EventPartition['index'][] = []
  const recorded: AuditEventIndex = {
    page: (partition, filter, options) => {
      partitions.push(partition.index)
      return index.page(partition, filter, options)
    },
    load: (keys) => index.load(keys),
  }
  return { recorded, partitions, counters: index.counters }
}

const depsOf = (log: SyntheticLog) => {
  const { recorded, partitions, counters } = recording(inMemoryEventIndex(log.events))
  const deps: QueryEventsDeps = { events: recorded, parties: log.parties, clock: now }
  return { deps, partitions, counters }
}

/** Every page of a query, following cursors; fails past `maxPages`. */
const allPages = async (
  deps: QueryEventsDeps,
  query: Record<string, unknown>,
  caller: Principal,
  maxPages = 500,
) => {
  const events: AuditEvent[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const page = await queryEvents(deps, {
      query: EventQuery.parse({ ...query, ...(cursor === undefined ? {} : { cursor }) }),
      caller,
    })
    events.push(...page.events)
    cursor = page.nextCursor
    if (++pages > maxPages) throw new Error('too many pages')
  } while (cursor !== undefined)
  return { events, pages }
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  if (!(error instanceof DomainError)) throw new Error(`expected a refusal, got ${String(error)}`)
  return { code: error.code, paths: (error.errors ?? []).map((field) => field.path) }
}

const ids = (events: readonly AuditEvent[]) => events.map((event) => event.eventId)

describe('querying the audit log', () => {
  let log: SyntheticLog
  beforeAll(async () => {
    log = await syntheticLog({ events: 1200, stepMs: 120_000, cases: 60 })
  })
  const caseEvents = (caseId: string) =>
    log.events
      .filter((stored) => stored.event.caseId === caseId)
      .sort((a, b) => a.seq - b.seq)
      .map((stored) => stored.event)

  it("answers an auditor a case's events in chain order from the case's own partition, page by page", async () => {
    const { deps, partitions } = depsOf(log)
    const caseId = log.cases[3]?.caseId ?? ''
    const { events, pages } = await allPages(deps, { caseId, limit: 5 }, auditor)
    expect(ids(events)).toEqual(ids(caseEvents(caseId)))
    expect(pages).toBeGreaterThan(1)
    expect(new Set(partitions)).toEqual(new Set(['chain']))
  })

  it("answers a case's parties its events and anyone else 404", async () => {
    const { deps } = depsOf(log)
    const chosen = log.cases.find((candidate) => candidate.homes.length > 0)
    if (chosen === undefined) throw new Error('no case with a home')
    const home = chosen.homes[0] ?? ''
    const { events } = await allPages(deps, { caseId: chosen.caseId }, party(home))
    expect(ids(events)).toEqual(ids(caseEvents(chosen.caseId)))
    const stranger = log.participants.find((p) => p !== chosen.accepting && !chosen.homes.includes(p)) ?? ''
    expect(
      await refusal(
        queryEvents(deps, { query: EventQuery.parse({ caseId: chosen.caseId }), caller: party(stranger) }),
      ),
    ).toEqual({
      code: 'not-found',
      paths: [],
    })
  })

  it('answers a participant without a case its own actions, only in cases it is party to, from the by-actor index', async () => {
    const self = log.participants[2] ?? ''
    const { deps, partitions } = depsOf(log)
    const hidden = log.cases.find((candidate) =>
      log.events.some(
        (stored) => stored.event.caseId === candidate.caseId && stored.event.actor.participant === self,
      ),
    )
    if (hidden === undefined) throw new Error('no case the participant acted in')
    const parties: QueryEventsDeps['parties'] = {
      partiesOf: async (caseId) =>
        caseId === hidden.caseId ? { accepting: 'someone-else', homes: [] } : log.parties.partiesOf(caseId),
    }
    const { events } = await allPages({ ...deps, parties }, { limit: 7 }, party(self))
    const expected = log.events
      .map((stored) => stored.event)
      .filter((event) => event.actor.participant === self && event.caseId !== hidden.caseId)
      .sort((a, b) => (`${a.at}#${a.eventId}` < `${b.at}#${b.eventId}` ? -1 : 1))
    expect(ids(events)).toEqual(ids(expected))
    expect(events.some((event) => event.caseId === undefined)).toBe(true)
    expect(new Set(partitions)).toEqual(new Set(['actor']))
  })

  it("answers a participant asking for another participant's events an empty page, reading nothing", async () => {
    const { deps, counters } = depsOf(log)
    const page = await queryEvents(deps, {
      query: EventQuery.parse({ participant: log.participants[1] }),
      caller: party(log.participants[0] ?? ''),
    })
    expect(page).toEqual({ events: [] })
    expect(counters.pages).toBe(0)
  })

  it('serves an auditor a participant from by-actor and an action from by-action, filtering the rest', async () => {
    const window = { from: '2026-11-01T06:00:00.000Z', to: '2026-11-01T18:00:00+00:00' }
    const byActor = depsOf(log)
    const participant = log.participants[4] ?? ''
    const actions = await allPages(
      byActor.deps,
      { participant, action: 'leg.accept', ...window, limit: 3 },
      auditor,
    )
    const expected = log.events
      .map((stored) => stored.event)
      .filter(
        (event) =>
          event.actor.participant === participant &&
          event.action === 'leg.accept' &&
          event.at >= window.from &&
          event.at < '2026-11-01T18:00:00.000Z',
      )
      .sort((a, b) => (`${a.at}#${a.eventId}` < `${b.at}#${b.eventId}` ? -1 : 1))
    expect(ids(actions.events)).toEqual(ids(expected))
    expect(expected.length).toBeGreaterThan(0)
    expect(new Set(byActor.partitions)).toEqual(new Set(['actor']))
    const byAction = depsOf(log)
    const all = await allPages(byAction.deps, { action: 'leg.accept', ...window }, auditor)
    expect(all.events.every((event) => event.action === 'leg.accept')).toBe(true)
    expect(new Set(byAction.partitions)).toEqual(new Set(['action']))
  })

  it('walks the days of a time range for an auditor, every event once, in time order', async () => {
    const { deps, partitions } = depsOf(log)
    const window = { from: '2026-11-01T10:00:00.000Z', to: '2026-11-02T05:00:00.000Z' }
    const { events } = await allPages(deps, { ...window, limit: 40 }, auditor)
    const expected = log.events
      .map((stored) => stored.event)
      .filter((event) => event.at >= window.from && event.at < window.to)
      .sort((a, b) => (`${a.at}#${a.eventId}` < `${b.at}#${b.eventId}` ? -1 : 1))
    expect(ids(events)).toEqual(ids(expected))
    expect(new Set(partitions)).toEqual(new Set(['day']))
  })

  it('answers a ten-year range without a limit with one bounded page and a cursor', async () => {
    const { deps, counters } = depsOf(log)
    const page = await queryEvents(deps, {
      query: EventQuery.parse({ from: '2016-11-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }),
      caller: auditor,
    })
    expect(page.events).toEqual([])
    expect(page.nextCursor).toEqual(expect.any(String))
    expect(counters.pages).toBeLessThanOrEqual(32)
  })

  it('reads as many items for a page of a log of 1,000 events as of one of 100,000', async () => {
    const small = await syntheticLog({ events: 1_000, stepMs: 1_000, seed: 3 })
    const large = await syntheticLog({ events: 100_000, stepMs: 10, seed: 3 })
    const cost = async (subject: SyntheticLog, query: Record<string, unknown>, caller: Principal) => {
      const { deps, counters } = depsOf(subject)
      const page = await queryEvents(deps, { query: EventQuery.parse({ limit: 5, ...query }), caller })
      return { events: page.events.length, pages: counters.pages, read: counters.read }
    }
    for (const [query, caller] of [
      [{ caseId: 'c-0000005' }, auditor],
      [{ participant: 'p-03' }, auditor],
      [{ action: 'package.read' }, auditor],
      [{ from: '2026-11-01T00:00:00Z' }, auditor],
      [{}, party('p-03')],
    ] as const) {
      const [a, b] = [await cost(small, query, caller), await cost(large, query, caller)]
      expect({ query, ...b }).toEqual({ query, ...a })
    }
  }, 60_000)

  it('refuses from after to, and a time range alone without from', async () => {
    const { deps } = depsOf(log)
    expect(
      await refusal(
        queryEvents(deps, {
          query: EventQuery.parse({ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }),
          caller: auditor,
        }),
      ),
    ).toEqual({ code: 'validation-failed', paths: ['/query/from'] })
    expect(
      await refusal(
        queryEvents(deps, { query: EventQuery.parse({ to: '2026-11-01T00:00:00Z' }), caller: auditor }),
      ),
    ).toEqual({ code: 'validation-failed', paths: ['/query/from'] })
  })

  it('refuses limits of 0, below 0, too large or not a number', () => {
    for (const limit of ['0', '-1', '201', '1e9', 'ten', '{"a":1}', '']) {
      expect(EventQuery.safeParse({ limit }).success, limit).toBe(false)
    }
    expect(EventQuery.safeParse({ limit: '200' }).success).toBe(true)
  })

  it('refuses a cursor edited, issued for another query, or to another caller', async () => {
    const { deps } = depsOf(log)
    const chosen = log.cases.find((candidate) => candidate.homes.length > 0)
    const home = chosen?.homes[0] ?? ''
    const query = { caseId: chosen?.caseId, limit: 1 }
    const first = await queryEvents(deps, { query: EventQuery.parse(query), caller: party(home) })
    const cursor = first.nextCursor ?? ''
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString())
    const reseal = (change: (value: typeof decoded) => void) => {
      const copy = structuredClone(decoded)
      change(copy)
      return Buffer.from(JSON.stringify(copy)).toString('base64url')
    }
    const attempts = [
      `${cursor.slice(0, 10)}${cursor[10] === 'A' ? 'B' : 'A'}${cursor.slice(11)}`,
      reseal((value) => {
        value.p.after.seq += 2
      }),
      reseal((value) => {
        value.p.after.chain = 'case#c-0000001'
      }),
      'not-a-cursor',
    ]
    for (const attempt of attempts) {
      expect(attempt).not.toBe(cursor)
      expect(
        await refusal(
          queryEvents(deps, { query: EventQuery.parse({ ...query, cursor: attempt }), caller: party(home) }),
        ),
      ).toEqual({ code: 'validation-failed', paths: ['/query/cursor'] })
    }
    const otherQuery = { ...query, action: 'leg.accept', cursor }
    expect(
      await refusal(queryEvents(deps, { query: EventQuery.parse(otherQuery), caller: party(home) })),
    ).toEqual({
      code: 'validation-failed',
      paths: ['/query/cursor'],
    })
    expect(
      await refusal(
        queryEvents(deps, {
          query: EventQuery.parse({ ...query, cursor }),
          caller: party(chosen?.accepting ?? ''),
        }),
      ),
    ).toEqual({ code: 'validation-failed', paths: ['/query/cursor'] })
  })
})
