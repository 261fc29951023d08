import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '#shared/audit/audit-event.js'
import type { Calendars } from '#shared/clock/deadline.js'
import type { Tally } from '#shared/stats/buckets.js'
import { noCounts } from '#shared/stats/counts.js'
import { bucketsOfLeg, tallyEvent, workingDaysToDecision } from '#shared/stats/tally-event.js'
import { auditEvent } from '../../support/in-memory-statistics.js'

const weekdays: Calendars = (year) => ({
  year,
  holidays: [],
  workdays: [],
  source: 'test',
  provisional: false,
})

/** Instants at 10:00 Beijing time: Monday 23 November 2026 and the days after it. */
const beijing = (date: string) => new Date(`${date}T10:00:00+08:00`).toISOString()
const caseId = 'case-stats-0001'
const deadline = '2026-12-02T23:59:59.999+08:00'

const submitted = auditEvent('e01', {
  action: 'case.submitted',
  at: beijing('2026-11-23'),
  actor: { participant: 'gaoxin', sub: 'window' },
  caseId,
  details: { itemCode: 'tax', mode: 'joint', homes: ['beilin', 'yanta'] },
})
const legEvent = (eventId: string, action: string, date: string, fields: Partial<AuditEvent> = {}) =>
  auditEvent(eventId, { action, at: beijing(date), caseId, home: 'beilin', details: { deadline }, ...fields })

/** Accepted Monday, supplement asked Tuesday, resubmitted Thursday, approved the Monday after. */
const history = [
  submitted,
  legEvent('e02', 'leg.accept', '2026-11-23', { from: 'submitted', to: 'accepted' }),
  legEvent('e03', 'leg.accept', '2026-11-23', { home: 'yanta' }),
  legEvent('e04', 'leg.request-supplement', '2026-11-24', { from: 'accepted', to: 'supplement-requested' }),
  legEvent('e05', 'leg.resubmit', '2026-11-26', { from: 'supplement-requested', to: 'accepted' }),
  legEvent('e06', 'leg.approve', '2026-11-30', { from: 'accepted', to: 'approved' }),
]

const bucketOf = (tallies: Tally[] | undefined, kind: string, group: string) =>
  tallies?.find((tally) => tally.kind === kind && tally.group === group)

describe('bucketsOfLeg', () => {
  it('puts a leg in its home, accepting, item and pair buckets, and each party’s item bucket', () => {
    expect(bucketsOfLeg({ accepting: 'gaoxin', home: 'beilin', itemCode: 'tax' })).toEqual([
      { kind: 'home', group: 'beilin' },
      { kind: 'accepting', group: 'gaoxin' },
      { kind: 'item', group: 'tax' },
      { kind: 'pair', group: 'gaoxin#beilin' },
      { kind: 'pair-by-home', group: 'beilin#gaoxin' },
      { kind: 'party-item', group: 'gaoxin#tax' },
      { kind: 'party-item', group: 'beilin#tax' },
    ])
  })

  it('counts a leg a participant hands to itself once in its item bucket', () => {
    const buckets = bucketsOfLeg({ accepting: 'gaoxin', home: 'gaoxin', itemCode: 'tax' })
    expect(buckets.filter((bucket) => bucket.kind === 'party-item')).toEqual([
      { kind: 'party-item', group: 'gaoxin#tax' },
    ])
  })
})

describe('tallyEvent', () => {
  it('counts a joint submission once per home, on the Beijing day it happened', () => {
    const late = { ...submitted, at: '2026-11-23T16:30:00.000Z' }
    const tallies = tallyEvent(late, undefined, weekdays)
    expect(tallies).toHaveLength(14)
    expect(new Set(tallies?.map((tally) => tally.day))).toEqual(new Set(['2026-11-24']))
    expect(tallies?.filter((tally) => tally.kind === 'accepting').map((tally) => tally.group)).toEqual([
      'gaoxin',
      'gaoxin',
    ])
    expect(bucketOf(tallies, 'pair', 'gaoxin#yanta')?.counts).toEqual({ ...noCounts(), submitted: 1 })
  })

  it('attributes a leg event to the case’s accepting participant and item from its history', () => {
    const tallies = tallyEvent(history[1] as AuditEvent, history, weekdays)
    expect(tallies?.map((tally) => [tally.kind, tally.group])).toEqual([
      ['home', 'beilin'],
      ['accepting', 'gaoxin'],
      ['item', 'tax'],
      ['pair', 'gaoxin#beilin'],
      ['pair-by-home', 'beilin#gaoxin'],
      ['party-item', 'gaoxin#tax'],
      ['party-item', 'beilin#tax'],
    ])
    expect(bucketOf(tallies, 'home', 'beilin')).toEqual({
      kind: 'home',
      day: '2026-11-23',
      group: 'beilin',
      counts: { ...noCounts(), accepted: 1 },
    })
  })

  it('counts a decision on time, with its working days less the supplement pause', () => {
    const tallies = tallyEvent(history[5] as AuditEvent, history, weekdays)
    // Tue 24 to Mon 30: 5 working days from acceptance; Wed 25 and Thu 26 were paused.
    expect(bucketOf(tallies, 'pair', 'gaoxin#beilin')?.counts).toEqual({
      ...noCounts(),
      approved: 1,
      onTime: 1,
      days: { 3: 1 },
    })
  })

  it('counts a decision after the deadline as late', () => {
    const rejected = legEvent('e07', 'leg.reject', '2026-12-03', { home: 'yanta' })
    const tallies = tallyEvent(rejected, [...history, rejected], weekdays)
    expect(bucketOf(tallies, 'home', 'yanta')?.counts).toEqual({
      ...noCounts(),
      rejected: 1,
      late: 1,
      days: { 8: 1 },
    })
  })

  it.each([
    ['leg.withdraw', 'withdrawn'],
    ['leg.deliver', 'delivered'],
    ['leg.overdue', 'overdue'],
  ] as const)('counts %s as %s', (action, counter) => {
    const tallies = tallyEvent(legEvent('e09', action, '2026-12-01'), history, weekdays)
    expect(bucketOf(tallies, 'item', 'tax')?.counts).toEqual({ ...noCounts(), [counter]: 1 })
  })

  it.each([
    'leg.approve-intake',
    'leg.reject-intake',
    'leg.request-supplement',
    'leg.resubmit',
    'leg.warning',
    'package.read',
    'participant.registered',
  ])('counts nothing for %s', (action) => {
    expect(tallyEvent(legEvent('e10', action, '2026-12-01'), history, weekdays)).toEqual([])
  })

  it('cannot attribute a leg event whose case history lacks the submission', () => {
    expect(tallyEvent(history[1] as AuditEvent, history.slice(1), weekdays)).toBeUndefined()
    expect(tallyEvent(history[1] as AuditEvent, undefined, weekdays)).toBeUndefined()
    expect(tallyEvent({ ...submitted, details: { itemCode: 'tax' } }, undefined, weekdays)).toBeUndefined()
  })
})

describe('workingDaysToDecision', () => {
  it('does not count a supplement requested before acceptance as a pause', () => {
    const events = [
      submitted,
      legEvent('e02', 'leg.request-supplement', '2026-11-23', { from: 'submitted' }),
      legEvent('e03', 'leg.resubmit', '2026-11-25', { to: 'submitted' }),
      legEvent('e04', 'leg.accept', '2026-11-25'),
      legEvent('e05', 'leg.approve', '2026-11-27'),
    ]
    expect(workingDaysToDecision(events[4] as AuditEvent, events, weekdays)).toBe(2)
  })

  it('counts a decision on the day of acceptance as zero days, and none without an acceptance', () => {
    const sameDay = legEvent('e08', 'leg.approve', '2026-11-23', { home: 'yanta' })
    expect(workingDaysToDecision(sameDay, [...history.slice(0, 3), sameDay], weekdays)).toBe(0)
    expect(workingDaysToDecision(sameDay, [submitted, sameDay], weekdays)).toBeUndefined()
  })
})
