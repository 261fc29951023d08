import { describe, expect, it } from 'vitest'
import { chineseDaysCalendar } from '#functions/adapters/chinese-days-calendar.js'
import {
  type Calendars,
  deadlineOf,
  extendDeadline,
  legTiming,
  pausedDays,
  workingDaysBetween,
} from '#shared/clock/deadline.js'

// The real built-in calendars: 2025 and 2026 as the State Council published them, 2027 provisional.
const builtIn = chineseDaysCalendar()
const calendars: Calendars = (year) => builtIn.calendar(year)

/** Calendars no computation may ask for. */
const noCalendars: Calendars = (year) => {
  throw new Error(`asked for the calendar of ${year}`)
}

const working = (startedAt: string, days: number) =>
  deadlineOf({ startedAt, days, dayKind: 'working' }, calendars)

describe('deadlineOf', () => {
  it('counts 5 working days from Friday 2026-02-13 past the make-up Saturday and the Spring Festival', () => {
    // Sat 14 is worked (1), 15 to 23 are off, then Tue 24 to Fri 27 (2 to 5).
    expect(working('2026-02-13T10:00:00+08:00', 5)).toBe('2026-02-27T23:59:59.999+08:00')
  })

  it('starts from the Beijing date of acceptance, not the UTC one', () => {
    // 2026-02-12T17:00Z is already Friday 2026-02-13, 01:00 in Beijing.
    expect(working('2026-02-12T17:00:00Z', 5)).toBe('2026-02-27T23:59:59.999+08:00')
    expect(working('2026-02-12T15:59:59.999Z', 5)).toBe('2026-02-26T23:59:59.999+08:00')
  })

  it('skips National Day 2025 and counts its make-up Saturday', () => {
    // Accepted Tue 30 September: October 1 to 8 are off, then Thu 9, Fri 10 and the make-up Sat 11.
    expect(working('2025-09-30T16:00:00+08:00', 3)).toBe('2025-10-11T23:59:59.999+08:00')
  })

  it('counts a make-up Sunday', () => {
    expect(working('2025-09-26T09:00:00+08:00', 2)).toBe('2025-09-29T23:59:59.999+08:00')
  })

  it('crosses from 2026 into the provisional 2027, skipping New Year', () => {
    // Wed 2026-12-30: Thu 31 (1), Fri 2027-01-01 off, the weekend, Mon 4 (2), Tue 5 (3).
    expect(working('2026-12-30T09:00:00+08:00', 3)).toBe('2027-01-05T23:59:59.999+08:00')
  })

  it('skips the provisional Spring Festival 2027, from its eve', () => {
    // Thu 2027-02-04: Fri 5 (eve) to Mon 8 off, then Tue 9 and Wed 10.
    expect(working('2027-02-04T09:00:00+08:00', 2)).toBe('2027-02-10T23:59:59.999+08:00')
  })

  it('counts calendar days through holidays, without asking for a calendar', () => {
    const calendarDays = (startedAt: string, days: number) =>
      deadlineOf({ startedAt, days, dayKind: 'calendar' }, noCalendars)
    expect(calendarDays('2026-02-13T10:00:00+08:00', 10)).toBe('2026-02-23T23:59:59.999+08:00')
    expect(calendarDays('2026-12-30T10:00:00+08:00', 5)).toBe('2027-01-04T23:59:59.999+08:00')
  })
})

describe('pausedDays', () => {
  it('costs nothing when paused and resumed on the same Beijing date', () => {
    const pause = { pausedAt: '2026-03-03T09:00:00+08:00', resumedAt: '2026-03-03T17:00:00+08:00' }
    expect(pausedDays({ ...pause, dayKind: 'working' }, calendars)).toBe(0)
    expect(pausedDays({ ...pause, dayKind: 'calendar' }, noCalendars)).toBe(0)
  })

  it('counts the days after the pause up to the resubmission, across Beijing midnight', () => {
    const pause = { pausedAt: '2026-03-02T23:30:00+08:00', resumedAt: '2026-03-02T16:30:00Z' }
    expect(pausedDays({ ...pause, dayKind: 'working' }, calendars)).toBe(1)
  })

  it('counts only the working days of a pause across the Spring Festival', () => {
    // From Fri 2026-02-13 to Wed 25: the make-up Sat 14, Tue 24 and Wed 25.
    const pause = { pausedAt: '2026-02-13T11:00:00+08:00', resumedAt: '2026-02-25T15:00:00+08:00' }
    expect(pausedDays({ ...pause, dayKind: 'working' }, calendars)).toBe(3)
    expect(pausedDays({ ...pause, dayKind: 'calendar' }, noCalendars)).toBe(12)
  })
})

describe('extendDeadline', () => {
  it('pushes a deadline by working days, past the holidays', () => {
    expect(extendDeadline('2026-02-12T23:59:59.999+08:00', 3, 'working', calendars)).toBe(
      '2026-02-24T23:59:59.999+08:00',
    )
  })

  it('pushes a deadline by calendar days', () => {
    expect(extendDeadline('2026-02-12T23:59:59.999+08:00', 2, 'calendar', noCalendars)).toBe(
      '2026-02-14T23:59:59.999+08:00',
    )
  })

  it('leaves a deadline where it is for no days', () => {
    expect(extendDeadline('2026-02-27T23:59:59.999+08:00', 0, 'working', calendars)).toBe(
      '2026-02-27T23:59:59.999+08:00',
    )
  })

  it('gives back what a supplement request over the Spring Festival cost the clock', () => {
    // Accepted Tue 2026-02-10 for 5 working days: Wed 11 to Fri 13, Sat 14, Tue 24.
    const deadline = working('2026-02-10T09:00:00+08:00', 5)
    expect(deadline).toBe('2026-02-24T23:59:59.999+08:00')
    const paused = pausedDays(
      { pausedAt: '2026-02-12T10:00:00+08:00', resumedAt: '2026-02-25T10:00:00+08:00', dayKind: 'working' },
      calendars,
    )
    // Fri 13, Sat 14, Tue 24 and Wed 25 were lost: Wed 25 to Fri 27 and the make-up Sat 28 replace them.
    expect(paused).toBe(4)
    expect(extendDeadline(deadline, paused, 'working', calendars)).toBe('2026-02-28T23:59:59.999+08:00')
  })
})

describe('legTiming', () => {
  const deadline = '2026-02-27T23:59:59.999+08:00'

  it('warns on the deadline day', () => {
    expect(legTiming(deadline, '2026-02-27T09:00:00+08:00', calendars)).toEqual({
      overdue: false,
      warning: true,
    })
  })

  it('warns on the working day before the deadline', () => {
    expect(legTiming(deadline, '2026-02-26T09:00:00+08:00', calendars)).toEqual({
      overdue: false,
      warning: true,
    })
  })

  it('does not warn two working days before the deadline', () => {
    expect(legTiming(deadline, '2026-02-25T23:59:00+08:00', calendars)).toEqual({
      overdue: false,
      warning: false,
    })
  })

  it('is neither overdue nor quiet at the last millisecond of the deadline', () => {
    expect(legTiming(deadline, '2026-02-27T15:59:59.999Z', calendars)).toEqual({
      overdue: false,
      warning: true,
    })
  })

  it('is overdue a millisecond after the deadline, and no longer warns', () => {
    expect(legTiming(deadline, '2026-02-28T00:00:00.000+08:00', calendars)).toEqual({
      overdue: true,
      warning: false,
    })
  })

  it('counts working days only: a weekend before a Monday deadline leaves one day', () => {
    const monday = '2026-03-09T23:59:59.999+08:00'
    expect(legTiming(monday, '2026-03-06T10:00:00+08:00', calendars).warning).toBe(true)
    expect(legTiming(monday, '2026-03-05T10:00:00+08:00', calendars).warning).toBe(false)
  })

  it('warns over a long holiday when only one working day is left after it', () => {
    const afterFestival = '2026-02-24T23:59:59.999+08:00'
    expect(legTiming(afterFestival, '2026-02-13T10:00:00+08:00', calendars).warning).toBe(false)
    expect(legTiming(afterFestival, '2026-02-14T10:00:00+08:00', calendars).warning).toBe(true)
  })
})

describe('workingDaysBetween', () => {
  it('counts the working days from acceptance to decision, the day of acceptance not counting', () => {
    expect(workingDaysBetween('2026-02-13T10:00:00+08:00', '2026-02-27T16:00:00+08:00', calendars)).toBe(5)
    expect(workingDaysBetween('2026-12-30T10:00:00+08:00', '2027-01-05T10:00:00+08:00', calendars)).toBe(3)
  })

  it('counts nothing on the same day or backwards', () => {
    expect(workingDaysBetween('2026-03-03T09:00:00+08:00', '2026-03-03T18:00:00+08:00', calendars)).toBe(0)
    expect(workingDaysBetween('2026-03-05T09:00:00+08:00', '2026-03-03T18:00:00+08:00', calendars)).toBe(0)
  })
})
