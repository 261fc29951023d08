import { describe, expect, it } from 'vitest'
import { addDays, Calendar, CalendarCorrection, isWeekend, isWorkingDay } from '#shared/clock/calendar.js'

/** A year with one weekday holiday, one weekend holiday and one make-up Saturday. */
const calendar2026: Calendar = {
  year: 2026,
  holidays: ['2026-02-15', '2026-02-16'],
  workdays: ['2026-02-14'],
  source: 'test',
  provisional: false,
}

const pathsOf = (result: { error?: { issues: { path: PropertyKey[] }[] } }) =>
  (result.error?.issues ?? []).map((issue) => issue.path.join('/'))

describe('addDays', () => {
  it('crosses months, leap days and years, both ways', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31')
    expect(addDays('2026-02-13', 0)).toBe('2026-02-13')
  })
})

describe('isWeekend', () => {
  it('knows Saturdays and Sundays from weekdays', () => {
    expect(['2026-02-13', '2026-02-14', '2026-02-15', '2026-02-16'].map(isWeekend)).toEqual([
      false,
      true,
      true,
      false,
    ])
  })
})

describe('isWorkingDay', () => {
  it('works on an ordinary weekday and rests on an ordinary weekend', () => {
    expect(isWorkingDay('2026-02-12', calendar2026)).toBe(true)
    expect(isWorkingDay('2026-02-21', calendar2026)).toBe(false)
  })

  it('rests on a listed holiday, weekday or weekend', () => {
    expect(isWorkingDay('2026-02-16', calendar2026)).toBe(false)
    expect(isWorkingDay('2026-02-15', calendar2026)).toBe(false)
  })

  it('works on a make-up Saturday', () => {
    expect(isWorkingDay('2026-02-14', calendar2026)).toBe(true)
  })
})

describe('Calendar', () => {
  it('accepts a year of holidays and make-up days, with or without the record fields', () => {
    expect(Calendar.safeParse(calendar2026).success).toBe(true)
    const stored = {
      ...calendar2026,
      version: 1,
      createdAt: '2026-11-21T01:30:00.000Z',
      updatedAt: '2026-11-21T01:30:00.000Z',
    }
    expect(Calendar.safeParse(stored).success).toBe(true)
  })

  it('refuses dates of another year, at their index', () => {
    const result = Calendar.safeParse({
      ...calendar2026,
      holidays: ['2026-10-01', '2027-01-01'],
      workdays: ['2025-12-27'],
    })
    expect(pathsOf(result)).toEqual(['holidays/1', 'workdays/0'])
  })

  it('refuses a year outside 2000 to 2100', () => {
    expect(pathsOf(Calendar.safeParse({ ...calendar2026, year: 1999, holidays: [], workdays: [] }))).toEqual([
      'year',
    ])
    expect(pathsOf(Calendar.safeParse({ ...calendar2026, year: 2101, holidays: [], workdays: [] }))).toEqual([
      'year',
    ])
  })
})

describe('CalendarCorrection', () => {
  it('accepts lists of real dates, with or without a source', () => {
    expect(CalendarCorrection.safeParse({ holidays: ['2026-02-16'], workdays: ['2026-02-14'] }).success).toBe(
      true,
    )
    expect(
      CalendarCorrection.safeParse({ holidays: [], workdays: [], source: '国办发明电〔2025〕7号' }).success,
    ).toBe(true)
  })

  it('refuses dates that do not exist or are not YYYY-MM-DD', () => {
    const result = CalendarCorrection.safeParse({
      holidays: ['2026-02-30', '2026-2-3'],
      workdays: ['2026-02-14T00:00'],
    })
    expect(pathsOf(result)).toEqual(['holidays/0', 'holidays/1', 'workdays/0'])
  })

  it('refuses a date listed twice, at the repeat', () => {
    const result = CalendarCorrection.safeParse({
      holidays: ['2026-02-16', '2026-02-17', '2026-02-16'],
      workdays: [],
    })
    expect(pathsOf(result)).toEqual(['holidays/2'])
  })

  it('refuses a date that is both a holiday and a working day, at the working day', () => {
    const result = CalendarCorrection.safeParse({
      holidays: ['2026-02-14'],
      workdays: ['2026-02-28', '2026-02-14'],
    })
    expect(pathsOf(result)).toEqual(['workdays/1'])
  })

  it('refuses a make-up working day on a weekday', () => {
    expect(pathsOf(CalendarCorrection.safeParse({ holidays: [], workdays: ['2026-02-13'] }))).toEqual([
      'workdays/0',
    ])
  })

  it('refuses unknown fields and an empty source', () => {
    expect(pathsOf(CalendarCorrection.safeParse({ holidays: [], workdays: [], source: '' }))).toEqual([
      'source',
    ])
    expect(CalendarCorrection.safeParse({ holidays: [], workdays: [], year: 2026 }).success).toBe(false)
  })
})
