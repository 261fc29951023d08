import { afterEach, describe, expect, it } from 'vitest'
import { chineseDaysCalendar, provisionalCalendar } from '#functions/adapters/chinese-days-calendar.js'
import { Calendar, isWorkingDay } from '#shared/clock/calendar.js'

const source = chineseDaysCalendar()

const zone = process.env.TZ
afterEach(() => {
  if (zone === undefined) delete process.env.TZ
  else process.env.TZ = zone
})

/** Every date from `first` to `last`, both included. */
const datesFrom = (first: string, last: string) => {
  const dates: string[] = []
  for (let at = Date.parse(`${first}T00:00:00Z`); at <= Date.parse(`${last}T00:00:00Z`); at += 86_400_000) {
    dates.push(new Date(at).toISOString().slice(0, 10))
  }
  return dates
}

describe('chineseDaysCalendar', () => {
  it("answers the State Council's 2026 arrangement, make-up working days included", () => {
    const calendar = source.calendar(2026)
    expect(calendar).toMatchObject({ year: 2026, provisional: false })
    expect(calendar.workdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ])
    expect(calendar.holidays).toEqual(
      expect.arrayContaining([
        ...datesFrom('2026-02-15', '2026-02-23'),
        ...datesFrom('2026-10-01', '2026-10-07'),
      ]),
    )
    expect(calendar.holidays).toHaveLength(33)
  })

  it('answers the 2025 arrangement: National Day and Mid-Autumn together from October 1 to 8', () => {
    const calendar = source.calendar(2025)
    expect(calendar.provisional).toBe(false)
    expect(calendar.holidays).toEqual(
      expect.arrayContaining([
        ...datesFrom('2025-01-28', '2025-02-04'),
        ...datesFrom('2025-10-01', '2025-10-08'),
      ]),
    )
    expect(calendar.workdays).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'])
  })

  it('computes a provisional 2027 from the statutory holidays, Spring Festival from its eve 2027-02-05', () => {
    expect(source.calendar(2027)).toEqual({
      year: 2027,
      holidays: [
        '2027-01-01',
        '2027-02-05',
        '2027-02-06',
        '2027-02-07',
        '2027-02-08',
        '2027-04-05',
        '2027-05-01',
        '2027-05-02',
        '2027-06-09',
        '2027-09-15',
        '2027-10-01',
        '2027-10-02',
        '2027-10-03',
      ],
      workdays: [],
      source: expect.stringMatching(/^Provisional: .*2027/),
      provisional: true,
    })
  })

  it('flags every year without a published arrangement as provisional, before 2025 and after 2026', () => {
    expect([2024, 2025, 2026, 2027, 2040].map((year) => source.calendar(year).provisional)).toEqual([
      true,
      false,
      false,
      true,
      true,
    ])
  })

  it('merges Mid-Autumn into National Day when they fall together (2001: October 1)', () => {
    const { holidays } = provisionalCalendar(2001)
    expect(holidays.filter((date) => date.startsWith('2001-10-'))).toEqual([
      '2001-10-01',
      '2001-10-02',
      '2001-10-03',
    ])
    expect(holidays).toHaveLength(12)
  })

  it('gives well-formed calendars', () => {
    for (const year of [2025, 2026, 2027, 2033, 2100]) {
      expect(Calendar.safeParse(source.calendar(year)).success).toBe(true)
    }
  })

  it('keeps every statutory day it computes off in the published 2025 and 2026 arrangements', () => {
    for (const year of [2025, 2026]) {
      const published = source.calendar(year)
      expect(provisionalCalendar(year).holidays.filter((date) => isWorkingDay(date, published))).toEqual([])
    }
  })

  it.each(['America/Los_Angeles', 'America/Santiago', 'Asia/Shanghai', 'Pacific/Kiritimati'])(
    'computes the same provisional calendars in %s as in UTC',
    (timeZone) => {
      const years = [2027, 2028, 2029, 2030, 2031]
      process.env.TZ = 'UTC'
      const inUtc = years.map(provisionalCalendar)
      process.env.TZ = timeZone
      expect(years.map(provisionalCalendar)).toEqual(inUtc)
    },
  )

  it('computes each year once', () => {
    const calendars = chineseDaysCalendar()
    expect(calendars.calendar(2027)).toBe(calendars.calendar(2027))
  })
})
