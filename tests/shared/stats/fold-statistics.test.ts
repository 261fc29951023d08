import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '#shared/audit/audit-event.js'
import { type FoldDeps, foldStatistics, maxItemsPerWrite, packWrites } from '#shared/stats/fold-statistics.js'
import { auditEvent, InMemoryStatistics, weekdays } from '../../support/in-memory-statistics.js'
import { fixedClock } from '../../support/in-memory-stores.js'

const at = (date: string) => new Date(`${date}T10:00:00+08:00`).toISOString()
const deadline = '2026-12-02T23:59:59.999+08:00'

/** A case handed from `accepting` to `homes`, each home accepting it on Monday and approving on Wednesday. */
const caseEvents = (caseId: string, accepting: string, homes: string[], itemCode = 'tax'): AuditEvent[] => [
  auditEvent(`${caseId}-00`, {
    action: 'case.submitted',
    at: at('2026-11-23'),
    actor: { participant: accepting, sub: 'window' },
    caseId,
    details: { itemCode, mode: homes.length > 1 ? 'joint' : 'proxy', homes },
  }),
  ...homes.flatMap((home, index) => [
    auditEvent(`${caseId}-${index}1`, {
      action: 'leg.accept',
      at: at('2026-11-23'),
      caseId,
      home,
      details: { deadline },
    }),
    auditEvent(`${caseId}-${index}2`, {
      action: 'leg.approve',
      at: at('2026-11-25'),
      caseId,
      home,
      details: { deadline },
    }),
  ]),
]

const world = (...events: AuditEvent[]) => {
  const statistics = new InMemoryStatistics()
  statistics.append(...events)
  const deps: FoldDeps = {
    ledger: statistics,
    history: statistics,
    calendar: weekdays,
    clock: fixedClock('2026-11-26T02:00:00.000Z'),
  }
  return { statistics, deps }
}

const small = { pageSize: 3, budgetMs: 60_000 }

describe('foldStatistics', () => {
  it('counts every queued event into its daily buckets and empties the queue', async () => {
    const { statistics, deps } = world(
      ...caseEvents('c1', 'gaoxin', ['beilin']),
      ...caseEvents('c2', 'gaoxin', ['yanta']),
    )
    const report = await foldStatistics(deps, small)
    expect(report).toEqual({ folded: 6, alreadyFolded: 0, deferred: 0, unattributed: 0 })
    expect(statistics.queued()).toEqual([])
    expect(statistics.bucket('accepting', '2026-11-23', 'gaoxin')).toMatchObject({
      submitted: 2,
      accepted: 2,
    })
    expect(statistics.bucket('accepting', '2026-11-25', 'gaoxin')).toMatchObject({
      approved: 2,
      onTime: 2,
      days: { 2: 2 },
    })
    expect(statistics.bucket('pair', '2026-11-25', 'gaoxin#yanta')).toMatchObject({ approved: 1 })
  })

  it('counts an event once when a lagging queue hands it out again', async () => {
    const { statistics, deps } = world(...caseEvents('c1', 'gaoxin', ['beilin']))
    await foldStatistics(deps, small)
    statistics.stale = true
    const again = await foldStatistics(deps, small)
    expect(again).toEqual({ folded: 0, alreadyFolded: 3, deferred: 0, unattributed: 0 })
    expect(statistics.bucket('home', '2026-11-23', 'beilin')).toMatchObject({ submitted: 1, accepted: 1 })
    expect(statistics.bucket('home', '2026-11-25', 'beilin')).toMatchObject({ approved: 1, onTime: 1 })
  })

  it('counts each event once when two runs fold the same queue at the same time', async () => {
    const events = ['c1', 'c2', 'c3', 'c4'].flatMap((caseId) =>
      caseEvents(caseId, 'gaoxin', ['beilin', 'yanta']),
    )
    const { statistics, deps } = world(...events)
    const reports = await Promise.all([foldStatistics(deps, small), foldStatistics(deps, small)])
    expect(reports.reduce((sum, report) => sum + report.folded, 0)).toBe(events.length)
    expect(reports.reduce((sum, report) => sum + report.alreadyFolded, 0)).toBeGreaterThan(0)
    expect(statistics.bucket('item', '2026-11-23', 'tax')).toMatchObject({ submitted: 8, accepted: 8 })
    expect(statistics.bucket('item', '2026-11-25', 'tax')).toMatchObject({ approved: 8, onTime: 8 })
  })

  it('drops only the events another run took, and writes the others of the same write', async () => {
    const events = caseEvents('c1', 'gaoxin', ['beilin'])
    const { statistics, deps } = world(...events)
    const [first] = await statistics.unfolded({ limit: 1 }).then((page) => page.events)
    if (first === undefined) throw new Error('nothing queued')
    await statistics.fold([first], [])
    statistics.stale = true
    const report = await foldStatistics(deps, small)
    expect(report).toMatchObject({ folded: 2, alreadyFolded: 1 })
    expect(statistics.bucket('home', '2026-11-23', 'beilin')).toMatchObject({ submitted: 0, accepted: 1 })
  })

  it('leaves events a write could not make for contention queued for the next run', async () => {
    const { statistics, deps } = world(...caseEvents('c1', 'gaoxin', ['beilin']))
    statistics.contentions = 4
    expect(await foldStatistics(deps, small)).toMatchObject({ folded: 0, deferred: 3 })
    expect(statistics.queued()).toHaveLength(3)
    expect(await foldStatistics(deps, small)).toMatchObject({ folded: 3, deferred: 0 })
  })

  it('dequeues events that count nothing, and those it cannot attribute, without counting them', async () => {
    const orphan = auditEvent('z1', {
      action: 'leg.accept',
      at: at('2026-11-23'),
      caseId: 'gone',
      home: 'beilin',
    })
    const read = auditEvent('z2', { action: 'package.read', at: at('2026-11-23'), caseId: 'gone' })
    const registry = auditEvent('z3', { action: 'participant.registered', at: at('2026-11-23') })
    const { statistics, deps } = world(orphan, read, registry)
    expect(await foldStatistics(deps, small)).toEqual({
      folded: 3,
      alreadyFolded: 0,
      deferred: 0,
      unattributed: 1,
    })
    expect(statistics.queued()).toEqual([])
    expect(statistics.stored.size).toBe(0)
  })

  it('fits a joint case with twenty homes in one transaction', async () => {
    const homes = Array.from({ length: 20 }, (_, index) => `home-${index}`)
    const { statistics, deps } = world(...caseEvents('big', 'gaoxin', homes).slice(0, 1))
    expect(await foldStatistics(deps, small)).toMatchObject({ folded: 1 })
    expect(statistics.bucket('accepting', '2026-11-23', 'gaoxin')).toMatchObject({ submitted: 20 })
    expect(statistics.bucket('party-item', '2026-11-23', 'home-7#tax')).toMatchObject({ submitted: 1 })
  })

  it('starts no new page once its time budget is spent', async () => {
    const { statistics, deps } = world(...caseEvents('c1', 'gaoxin', ['beilin', 'yanta']))
    const clock = fixedClock('2026-11-26T02:00:00.000Z')
    const report = await foldStatistics(
      {
        ...deps,
        clock: () => {
          const now = clock()
          clock.advance(10)
          return now
        },
      },
      { pageSize: 2, budgetMs: 5000 },
    )
    expect(report.folded).toBe(2)
    expect(statistics.queued()).toHaveLength(3)
  })
})

describe('packWrites', () => {
  it('packs events into writes of at most the transaction limit, each bucket once', () => {
    const events = ['c1', 'c2', 'c3'].flatMap((caseId) =>
      caseEvents(
        caseId,
        `accepting-${caseId}`,
        Array.from({ length: 10 }, (_, index) => `${caseId}-home-${index}`),
      ),
    )
    const pendings = events.map((event) => ({
      queued: { event, ref: event.eventId },
      tallies: Array.from({ length: 30 }, (_, index) => ({
        kind: 'home' as const,
        day: '2026-11-23',
        group: `${event.eventId}-${index}`,
        counts: {
          submitted: 1,
          accepted: 0,
          approved: 0,
          rejected: 0,
          withdrawn: 0,
          delivered: 0,
          overdue: 0,
          onTime: 0,
          late: 0,
          days: {},
        },
      })),
    }))
    const writes = packWrites(pendings)
    for (const write of writes) {
      const buckets = new Set(write.flatMap((pending) => pending.tallies.map((tally) => tally.group)))
      expect(buckets.size + write.length).toBeLessThanOrEqual(maxItemsPerWrite)
    }
    expect(writes.flat()).toEqual(pendings)
  })
})
