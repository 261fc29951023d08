import { describe, expect, it } from 'vitest'
import type { Calendar, CalendarSource } from '#shared/clock/calendar.js'
import { correctCalendar } from '#shared/clock/correct-calendar.js'
import { deadlineOf } from '#shared/clock/deadline.js'
import { readCalendar, withCalendars } from '#shared/clock/read-calendar.js'
import { registryDeps } from '../../support/in-memory-stores.js'
import { adminActor } from '../../support/registry-fixtures.js'

/** A built-in source of plain years (weekends off, nothing else) that remembers what it was asked. */
const plainYears = (): CalendarSource & { asked: number[] } => {
  const asked: number[] = []
  return {
    asked,
    calendar: (year): Calendar => {
      asked.push(year)
      return { year, holidays: [], workdays: [], source: 'plain', provisional: true }
    },
  }
}

const setUp = () => {
  const registry = registryDeps()
  const builtIn = plainYears()
  return { registry, builtIn, deps: { records: registry.records, builtIn } }
}

describe('readCalendar', () => {
  it('answers the built-in calendar of a year the admin has not corrected', async () => {
    const { deps } = setUp()
    await expect(readCalendar(deps, 2027)).resolves.toMatchObject({ year: 2027, source: 'plain' })
  })

  it("answers the admin's correction over the built-in calendar", async () => {
    const { registry, deps, builtIn } = setUp()
    const correction = { holidays: ['2027-02-05'], workdays: ['2027-02-20'], source: 'notice' }
    await correctCalendar(registry, { year: 2027, correction, actor: adminActor })
    await expect(readCalendar(deps, 2027)).resolves.toMatchObject({
      year: 2027,
      ...correction,
      provisional: false,
      version: 1,
    })
    expect(builtIn.asked).toEqual([])
  })
})

describe('withCalendars', () => {
  it('reads each year a computation reaches, and only those', async () => {
    const { deps, builtIn } = setUp()
    const deadline = await withCalendars(deps, (calendars) =>
      deadlineOf({ startedAt: '2026-12-30T09:00:00+08:00', days: 3, dayKind: 'working' }, calendars),
    )
    expect(deadline).toBe('2027-01-04T23:59:59.999+08:00')
    expect(builtIn.asked).toEqual([2026, 2027])
  })

  it('counts with the corrected calendar', async () => {
    const { registry, deps } = setUp()
    const correction = { holidays: ['2026-12-31'], workdays: [] }
    await correctCalendar(registry, { year: 2026, correction, actor: adminActor })
    const deadline = await withCalendars(deps, (calendars) =>
      deadlineOf({ startedAt: '2026-12-29T09:00:00+08:00', days: 2, dayKind: 'working' }, calendars),
    )
    expect(deadline).toBe('2027-01-01T23:59:59.999+08:00')
  })

  it('shares what it read between computations given the same map', async () => {
    const { deps, builtIn } = setUp()
    const read = new Map<number, Calendar>()
    for (const startedAt of ['2026-03-02T09:00:00+08:00', '2026-06-01T09:00:00+08:00']) {
      await withCalendars(
        deps,
        (calendars) => deadlineOf({ startedAt, days: 5, dayKind: 'working' }, calendars),
        read,
      )
    }
    expect(builtIn.asked).toEqual([2026])
  })

  it('lets any other failure of the computation through', async () => {
    const { deps } = setUp()
    await expect(
      withCalendars(deps, () => {
        throw new RangeError('a caller bug')
      }),
    ).rejects.toThrow(RangeError)
  })
})
