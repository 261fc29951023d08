import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '#shared/audit/audit-event.js'
import { DomainError } from '#shared/errors.js'
import type { Role } from '#shared/registry/participant.js'
import { type FoldDeps, foldStatistics } from '#shared/stats/fold-statistics.js'
import { readStatistics, StatsQuery } from '#shared/stats/read-statistics.js'
import { auditEvent, InMemoryStatistics, weekdays } from '../../support/in-memory-statistics.js'
import { fixedClock } from '../../support/in-memory-stores.js'

const at = (date: string) => new Date(`${date}T10:00:00+08:00`).toISOString()
const deadline = '2026-11-27T23:59:59.999+08:00'

/**
 * Three cases, all accepted on Monday 23 November 2026: gaoxin hands one to beilin (approved
 * Wednesday, on time) and one jointly to beilin and yanta (beilin rejects it Tuesday 1 December,
 * late; yanta approves Thursday); beilin hands one to itself (approved the same Monday).
 */
const log = () => {
  let sequence = 0
  const id = () => `e${String(++sequence).padStart(3, '0')}`
  const events: AuditEvent[] = []
  const submit = (caseId: string, accepting: string, homes: string[], itemCode: string) =>
    events.push(
      auditEvent(id(), {
        action: 'case.submitted',
        at: at('2026-11-23'),
        actor: { participant: accepting, sub: 'window' },
        caseId,
        details: { itemCode, mode: 'proxy', homes },
      }),
    )
  const leg = (caseId: string, home: string, action: string, date: string) =>
    events.push(auditEvent(id(), { action, at: at(date), caseId, home, details: { deadline } }))
  submit('c1', 'gaoxin', ['beilin'], 'tax')
  leg('c1', 'beilin', 'leg.accept', '2026-11-23')
  leg('c1', 'beilin', 'leg.approve', '2026-11-25')
  submit('c2', 'gaoxin', ['beilin', 'yanta'], 'licence')
  leg('c2', 'beilin', 'leg.accept', '2026-11-23')
  leg('c2', 'yanta', 'leg.accept', '2026-11-23')
  leg('c2', 'yanta', 'leg.approve', '2026-11-26')
  leg('c2', 'beilin', 'leg.overdue', '2026-11-28')
  leg('c2', 'beilin', 'leg.reject', '2026-12-01')
  submit('c3', 'beilin', ['beilin'], 'tax')
  leg('c3', 'beilin', 'leg.accept', '2026-11-23')
  leg('c3', 'beilin', 'leg.approve', '2026-11-23')
  return events
}

const folded = async () => {
  const statistics = new InMemoryStatistics()
  statistics.append(...log())
  const deps: FoldDeps = {
    ledger: statistics,
    history: statistics,
    calendar: weekdays,
    clock: () => new Date(),
  }
  await foldStatistics(deps, { pageSize: 100, budgetMs: 60_000 })
  return statistics
}

const read = async (query: Record<string, string>, participant: string, roles: Role[]) =>
  readStatistics(
    { statistics: await folded(), clock: fixedClock('2026-12-02T04:00:00.000Z') },
    { query: StatsQuery.parse(query), caller: { participant, sub: 'test', roles } },
  )

const week = { from: '2026-11-23', to: '2026-12-02' }
const zero = {
  submitted: 0,
  accepted: 0,
  approved: 0,
  rejected: 0,
  withdrawn: 0,
  delivered: 0,
  overdue: 0,
  decided: 0,
  decidedOnTime: 0,
  onTimeRate: null,
  medianWorkingDaysToDecision: null,
}

describe('readStatistics for auditors', () => {
  it('sums every leg per home over the range, with on-time rates and medians', async () => {
    const stats = await read({ ...week, groupBy: 'home' }, 'inspector', ['auditor'])
    expect(stats).toMatchObject({ from: '2026-11-23', to: '2026-12-02', groupBy: 'home', scope: 'all' })
    expect(stats.groups).toEqual([
      {
        ...zero,
        group: 'beilin',
        home: 'beilin',
        submitted: 3,
        accepted: 3,
        approved: 2,
        rejected: 1,
        overdue: 1,
        decided: 3,
        decidedOnTime: 2,
        onTimeRate: 2 / 3,
        medianWorkingDaysToDecision: 2,
      },
      {
        ...zero,
        group: 'yanta',
        home: 'yanta',
        submitted: 1,
        accepted: 1,
        approved: 1,
        decided: 1,
        decidedOnTime: 1,
        onTimeRate: 1,
        medianWorkingDaysToDecision: 3,
      },
    ])
  })

  it('groups by pair, naming both sides', async () => {
    const stats = await read({ ...week, groupBy: 'pair' }, 'admin', ['admin'])
    expect(stats.groups.map((group) => [group.group, group.accepting, group.home, group.submitted])).toEqual([
      ['beilin→beilin', 'beilin', 'beilin', 1],
      ['gaoxin→beilin', 'gaoxin', 'beilin', 2],
      ['gaoxin→yanta', 'gaoxin', 'yanta', 1],
    ])
    expect(stats.groups[1]).toMatchObject({ decided: 2, onTimeRate: 0.5, medianWorkingDaysToDecision: 4 })
  })

  it('counts only the days of the range', async () => {
    const stats = await read({ from: '2026-11-24', to: '2026-11-30', groupBy: 'accepting' }, 'inspector', [
      'auditor',
    ])
    expect(stats.groups).toEqual([
      {
        ...zero,
        group: 'gaoxin',
        accepting: 'gaoxin',
        approved: 2,
        overdue: 1,
        decided: 2,
        decidedOnTime: 2,
        onTimeRate: 1,
        medianWorkingDaysToDecision: 2.5,
      },
    ])
  })
})

describe('readStatistics for a party', () => {
  it('shows a home its own legs, and as accepting participant the homes it handed to', async () => {
    const stats = await read({ ...week, groupBy: 'home' }, 'beilin', ['home', 'accepting'])
    expect(stats.scope).toBe('own')
    expect(stats.groups.map((group) => [group.group, group.submitted])).toEqual([['beilin', 3]])
    const gaoxin = await read({ ...week, groupBy: 'home' }, 'gaoxin', ['accepting'])
    expect(gaoxin.groups.map((group) => [group.group, group.submitted, group.approved])).toEqual([
      ['beilin', 2, 1],
      ['yanta', 1, 1],
    ])
  })

  it('shows the accepting participants of its own legs, each leg once', async () => {
    const stats = await read({ ...week, groupBy: 'accepting' }, 'beilin', ['home', 'accepting'])
    expect(stats.groups.map((group) => [group.group, group.submitted, group.rejected])).toEqual([
      ['beilin', 1, 0],
      ['gaoxin', 2, 1],
    ])
  })

  it('shows the pairs it is a side of, and no other', async () => {
    const stats = await read({ ...week, groupBy: 'pair' }, 'yanta', ['home'])
    expect(stats.groups.map((group) => group.group)).toEqual(['gaoxin→yanta'])
    const beilin = await read({ ...week, groupBy: 'pair' }, 'beilin', ['home', 'accepting'])
    expect(beilin.groups.map((group) => [group.group, group.submitted])).toEqual([
      ['beilin→beilin', 1],
      ['gaoxin→beilin', 2],
    ])
  })

  it('shows its own legs by item', async () => {
    const stats = await read({ ...week, groupBy: 'item' }, 'yanta', ['home'])
    expect(stats.groups.map((group) => [group.group, group.itemCode, group.approved])).toEqual([
      ['licence', 'licence', 1],
    ])
    const gaoxin = await read({ ...week, groupBy: 'item' }, 'gaoxin', ['accepting'])
    expect(gaoxin.groups.map((group) => [group.group, group.submitted])).toEqual([
      ['licence', 2],
      ['tax', 1],
    ])
  })

  it('shows a stranger nothing', async () => {
    for (const groupBy of ['home', 'accepting', 'item', 'pair']) {
      expect((await read({ ...week, groupBy }, 'weiyang', ['home', 'accepting'])).groups).toEqual([])
    }
  })
})

describe('the range', () => {
  it('defaults to the thirty days up to today (Beijing), grouped by home', async () => {
    const stats = await read({}, 'inspector', ['auditor'])
    expect(stats).toMatchObject({ from: '2026-11-03', to: '2026-12-02', groupBy: 'home' })
  })

  it('takes instants as the Beijing days they fall on', () => {
    expect(StatsQuery.parse({ from: '2026-11-22T16:00:00Z', to: '2026-11-30T23:59:59+08:00' })).toEqual({
      from: '2026-11-23',
      to: '2026-11-30',
      groupBy: 'home',
    })
  })

  it.each([
    [{ from: '2026-12-02', to: '2026-12-01' }, '/query/from'],
    [{ from: '2025-12-01', to: '2026-12-02' }, '/query/to'],
  ])('refuses %o', async (query, path) => {
    const error = await read(query, 'inspector', ['auditor']).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(DomainError)
    expect(error).toMatchObject({
      code: 'validation-failed',
      errors: [{ path, message: expect.any(String) }],
    })
  })

  it('spans up to 366 days', async () => {
    const stats = await read({ from: '2025-12-02', to: '2026-12-02' }, 'inspector', ['auditor'])
    expect(stats.groups.map((group) => group.group)).toEqual(['beilin', 'yanta'])
  })
})
