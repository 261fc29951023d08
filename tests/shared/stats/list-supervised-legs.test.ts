import { describe, expect, it } from 'vitest'
import type { SubmissionAnswer } from '#shared/cases/case.js'
import type { StoredCase, StoredLeg } from '#shared/cases/stored-case.js'
import { putLeg } from '#shared/cases/transition-leg.js'
import { DomainError } from '#shared/errors.js'
import {
  type DeadlinePartition,
  type DeadlinePosition,
  type DeadlineRange,
  listSupervisedLegs,
  type SupervisionDeps,
  type SupervisionIndex,
  SupervisionQuery,
} from '#shared/stats/list-supervised-legs.js'
import { InMemoryCaseStore } from '../../support/in-memory-case-store.js'
import { weekdays } from '../../support/in-memory-statistics.js'
import { fixedClock } from '../../support/in-memory-stores.js'

const endOf = (date: string) => `${date}T23:59:59.999+08:00`
/** Wednesday 25 November 2026, 10:00 in Beijing. */
const now = '2026-11-25T02:00:00.000Z'

/** The by-deadline index as the change writer fills it from put-leg changes, in memory. */
class InMemoryDeadlineIndex implements SupervisionIndex {
  readonly entries = new Map<string, { partition: DeadlinePartition; sort: string }>()

  /** Indexes a leg as its put would: by its running deadline, else by its overdue deadline. */
  put(leg: StoredLeg): void {
    const change = putLeg(leg, leg.version)
    if (change.kind !== 'put-leg') throw new Error('not a leg')
    const key = `case#${leg.caseId}|leg#${leg.home}`
    this.entries.delete(key)
    const indexed = change.deadline ?? change.overdue
    if (indexed === undefined) return
    this.entries.set(key, {
      partition: change.deadline === undefined ? 'overdue' : 'deadline',
      sort: `${indexed}#${leg.caseId}#${leg.home}`,
    })
  }

  async legs(
    partition: DeadlinePartition,
    range: DeadlineRange,
    page: { limit: number; after?: DeadlinePosition },
  ) {
    const matching = [...this.entries]
      .filter(([, entry]) => entry.partition === partition)
      .filter(
        ([, { sort }]) =>
          (range.lower === undefined || sort >= range.lower) &&
          (range.upper === undefined || sort <= range.upper),
      )
      .filter(([, { sort }]) => page.after === undefined || sort > page.after.deadlineSort)
      .sort(([, a], [, b]) => (a.sort < b.sort ? -1 : 1))
    const taken = matching.slice(0, page.limit)
    const last = taken.at(-1)
    return {
      legs: taken.map(([, { sort }]) => {
        const [, caseId = '', home = ''] = sort.split('#')
        return { caseId, home }
      }),
      ...(taken.length === page.limit && last !== undefined
        ? {
            next: {
              deadlineSort: last[1].sort,
              pk: last[0].split('|')[0] ?? '',
              sk: last[0].split('|')[1] ?? '',
            },
          }
        : {}),
    }
  }
}

const storedCase = (caseId: string): StoredCase => ({
  caseId,
  acceptingRef: `ref-${caseId}`,
  accepting: 'gaoxin',
  submittedBy: { participant: 'gaoxin', sub: 'window' },
  itemCode: 'tax',
  mode: 'proxy',
  homes: ['beilin'],
  personal: { alg: 'A256GCM', wrappedKey: 'k', iv: 'i', ciphertext: 'c', tag: 't' },
  identityCheck: { method: 'id-card-reader', checkedAt: '2026-11-20T09:00:00+08:00', operator: 'window-07' },
  originalsChecked: true,
  delivery: { method: 'electronic' },
  applicationPackageId: 'pkg-aaaaaaaaaaaaaaaaaaaaaaaaaa',
  fingerprint: 'f'.repeat(64),
  answer: { caseId, acceptingRef: `ref-${caseId}`, legs: [], receipt: 'r' } as SubmissionAnswer,
  createdAt: '2026-11-16T01:00:00.000Z',
})

const leg = (caseId: string, deadline: string, extra: Partial<StoredLeg> = {}): StoredLeg => ({
  caseId,
  home: 'beilin',
  status: 'accepted',
  version: 3,
  createdAt: '2026-11-16T01:00:00.000Z',
  updatedAt: '2026-11-16T01:00:00.000Z',
  packageIds: [],
  clock: { startedAt: '2026-11-16T01:00:00.000Z', deadline, dayKind: 'working' },
  ...extra,
})

const world = () => {
  const cases = new InMemoryCaseStore()
  const index = new InMemoryDeadlineIndex()
  const legs: StoredLeg[] = [
    leg('case-a', endOf('2026-11-23')),
    leg('case-b', endOf('2026-11-20'), { overdueRaised: true, warningRaised: true }),
    leg('case-c', endOf('2026-11-19'), {
      status: 'supplement-requested',
      overdueRaised: true,
      clock: {
        startedAt: '2026-11-12T01:00:00.000Z',
        deadline: endOf('2026-11-19'),
        dayKind: 'working',
        pausedAt: '2026-11-24T01:00:00.000Z',
      },
    }),
    leg('case-d', endOf('2026-11-26')),
    leg('case-e', endOf('2026-11-25')),
    leg('case-f', endOf('2026-11-30')),
    leg('case-g', endOf('2026-11-18'), {
      status: 'approved',
      overdueRaised: true,
      clock: {
        startedAt: '2026-11-11T01:00:00.000Z',
        deadline: endOf('2026-11-18'),
        dayKind: 'working',
        stoppedAt: '2026-11-24T01:00:00.000Z',
      },
    }),
  ]
  for (const stored of legs) {
    cases.seed(storedCase(stored.caseId), [stored])
    index.put(stored)
  }
  // Indexed as running and past due, but decided since: the index lags the leg.
  const decided = leg('case-h', endOf('2026-11-24'))
  index.put(decided)
  cases.seed(storedCase('case-h'), [
    { ...decided, status: 'approved', clock: { ...decided.clock, stoppedAt: now } } as StoredLeg,
  ])
  const deps: SupervisionDeps = { index, cases, calendar: weekdays, clock: fixedClock(now) }
  return { deps, index }
}

const list = (deps: SupervisionDeps, query: Record<string, unknown>) =>
  listSupervisedLegs(deps, SupervisionQuery.parse(query))

/** Every leg of a listing, following its cursors. */
const everything = async (deps: SupervisionDeps, query: Record<string, unknown>) => {
  const legs = []
  let cursor: string | undefined
  do {
    const page = await list(deps, { ...query, ...(cursor === undefined ? {} : { cursor }) })
    legs.push(...page.legs)
    cursor = page.nextCursor
  } while (cursor !== undefined)
  return legs
}

describe('putLeg and the by-deadline index', () => {
  it('indexes a running clock by deadline, a flagged and undecided leg as overdue, and a decided one not at all', () => {
    const running = putLeg(leg('x', endOf('2026-11-26')), 3)
    expect(running).toMatchObject({ deadline: endOf('2026-11-26') })
    expect(running).not.toHaveProperty('overdue')
    expect(putLeg(leg('x', endOf('2026-11-20'), { overdueRaised: true }), 3)).toMatchObject({
      deadline: undefined,
      overdue: endOf('2026-11-20'),
    })
    const decided = leg('x', endOf('2026-11-20'), { overdueRaised: true, status: 'approved' })
    const stopped = putLeg(
      { ...decided, clock: { ...(decided.clock as NonNullable<StoredLeg['clock']>), stoppedAt: now } },
      3,
    )
    expect(stopped).toMatchObject({ deadline: undefined })
    expect(stopped).not.toHaveProperty('overdue')
  })
})

describe('listSupervisedLegs', () => {
  it('lists the flagged overdue legs, then the running ones past due, leaving out those decided since', async () => {
    const { deps } = world()
    const { legs, nextCursor } = await list(deps, { state: 'overdue' })
    expect(legs.map((listed) => [listed.caseId, listed.status, listed.deadline, listed.overdue])).toEqual([
      ['case-c', 'supplement-requested', endOf('2026-11-19'), true],
      ['case-b', 'accepted', endOf('2026-11-20'), true],
      ['case-a', 'accepted', endOf('2026-11-23'), true],
    ])
    expect(legs[0]).toEqual({
      caseId: 'case-c',
      home: 'beilin',
      accepting: 'gaoxin',
      itemCode: 'tax',
      mode: 'proxy',
      status: 'supplement-requested',
      version: 3,
      deadline: endOf('2026-11-19'),
      overdue: true,
      warning: false,
    })
    expect(nextCursor).toBeUndefined()
  })

  it('lists the legs with one working day or less left', async () => {
    const { deps } = world()
    const { legs } = await list(deps, { state: 'warning' })
    expect(legs.map((listed) => [listed.caseId, listed.warning, listed.overdue])).toEqual([
      ['case-e', true, false],
      ['case-d', true, false],
    ])
  })

  it('pages through both parts of the overdue list with cursors', async () => {
    const { deps } = world()
    const page = await list(deps, { state: 'overdue', limit: 1 })
    expect(page.legs.map((listed) => listed.caseId)).toEqual(['case-c'])
    expect(page.nextCursor).toEqual(expect.any(String))
    expect((await everything(deps, { state: 'overdue', limit: 1 })).map((listed) => listed.caseId)).toEqual([
      'case-c',
      'case-b',
      'case-a',
    ])
    expect((await everything(deps, { state: 'warning', limit: 1 })).map((listed) => listed.caseId)).toEqual([
      'case-e',
      'case-d',
    ])
  })

  it('keeps the instant a listing started across its pages', async () => {
    const { deps } = world()
    const first = await list(deps, { state: 'warning', limit: 1 })
    const later = { ...deps, clock: fixedClock('2026-11-27T02:00:00.000Z') }
    const second = await list(later, { state: 'warning', limit: 1, cursor: first.nextCursor })
    // At the later instant case-d is overdue, so it is shown as such, still from the same range.
    expect(second.legs.map((listed) => listed.caseId)).toEqual([])
    expect((await list(later, { state: 'warning' })).legs.map((listed) => listed.caseId)).toEqual(['case-f'])
  })

  it('refuses a cursor it did not issue for this query', async () => {
    const { deps } = world()
    const { nextCursor } = await list(deps, { state: 'overdue', limit: 1 })
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
    for (const cursor of [
      'not-a-cursor',
      nextCursor,
      encode({ state: 'overdue', asOf: now, phase: 7 }),
      encode({
        state: 'overdue',
        asOf: now,
        phase: 1,
        after: { deadlineSort: `${endOf('2026-12-30')}#x#y`, pk: 'a', sk: 'b' },
      }),
    ]) {
      const error = await list(deps, { state: 'warning', cursor }).catch((thrown: unknown) => thrown)
      const overdue = await list(deps, { state: 'overdue', cursor }).catch((thrown: unknown) => thrown)
      expect(error).toBeInstanceOf(DomainError)
      expect(error).toMatchObject({ code: 'validation-failed', errors: [{ path: '/query/cursor' }] })
      if (cursor !== nextCursor) expect(overdue).toMatchObject({ code: 'validation-failed' })
    }
  })
})
