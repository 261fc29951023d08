import chineseDays from 'chinese-days'
import arrangement2025 from 'chinese-days/dist/years/2025.json' with { type: 'json' }
import arrangement2026 from 'chinese-days/dist/years/2026.json' with { type: 'json' }
import { addDays, type Calendar, type CalendarSource, isWeekend } from '#shared/clock/calendar.js'

/** A year's arrangement as the package's data files give it: dates off and make-up working days. */
type Arrangement = { holidays: Record<string, string>; workdays: Record<string, string> }

/**
 * The State Council's arrangements the exchange ships: the years it counts days in. Each costs about
 * 2 KB in every function that counts days; add the next year's file once the package ships it.
 * Data files rather than the package's functions: those build their tables from dates read in local
 * time, a day early west of UTC.
 */
const arrangements: Partial<Record<number, Arrangement>> = { 2025: arrangement2025, 2026: arrangement2026 }

const published = (year: number, arrangement: Arrangement): Calendar => ({
  year,
  holidays: Object.keys(arrangement.holidays).sort(),
  workdays: Object.keys(arrangement.workdays).filter(isWeekend).sort(),
  source: `The State Council's holiday arrangement for ${year}, from the chinese-days package.`,
  provisional: false,
})

/**
 * The Gregorian date of a day of the lunar calendar (its ordinary month, never the leap one). The
 * lunar day goes in as a local midnight, which the package reads back alike in any zone.
 */
const lunar = (year: number, month: number, day: number) =>
  chineseDays.getSolarDateFromLunar(new Date(year, month - 1, day)).date

/**
 * Qingming (清明), the solar term "pure brightness" in April. The package builds the date as a string,
 * parses it as UTC midnight and prints it in local time: west of UTC one day early, undone here.
 */
const qingming = (year: number) => {
  const printed = chineseDays.getSolarTermDate(year, 4, 'pure_brightness')
  const shifted = new Date(`${printed}T00:00:00Z`).getDate() !== Number(printed.slice(8, 10))
  return shifted ? addDays(printed, 1) : printed
}

/**
 * The statutory holidays of the national holiday regulations (全国年节及纪念日放假办法, 2024
 * revision) in `year`, without the weekend swaps and make-up working days that only the State
 * Council's yearly arrangement decides. Exported to be checked against the published years.
 */
export const provisionalCalendar = (year: number): Calendar => {
  const springFestival = lunar(year, 1, 1)
  const holidays = [
    `${year}-01-01`,
    addDays(springFestival, -1),
    springFestival,
    addDays(springFestival, 1),
    addDays(springFestival, 2),
    qingming(year),
    `${year}-05-01`,
    `${year}-05-02`,
    lunar(year, 5, 5),
    lunar(year, 8, 15),
    `${year}-10-01`,
    `${year}-10-02`,
    `${year}-10-03`,
  ]
  return {
    year,
    // Mid-Autumn may fall on National Day.
    holidays: [...new Set(holidays)].sort(),
    workdays: [],
    source:
      `Provisional: the statutory holidays of the national holiday regulations (2024 revision) in ${year}, ` +
      'computed with the chinese-days package, without weekend swaps or make-up working days: the exchange ' +
      `has no State Council arrangement for ${year} yet. The admin corrects the year once it is published.`,
    provisional: true,
  }
}

/**
 * Built-in calendars from the chinese-days package (MIT): the published arrangements of 2025 and
 * 2026, and a provisional calendar for any other year. Each year is computed once per process.
 */
export const chineseDaysCalendar = (): CalendarSource => {
  const computed = new Map<number, Calendar>()
  return {
    calendar(year) {
      let calendar = computed.get(year)
      if (calendar === undefined) {
        const arrangement = arrangements[year]
        calendar = arrangement === undefined ? provisionalCalendar(year) : published(year, arrangement)
        computed.set(year, calendar)
      }
      return calendar
    },
  }
}
