import type { RecordReader } from '../store/changes.js'
import type { Calendar, CalendarSource } from './calendar.js'
import type { Calendars } from './deadline.js'

/** What reading calendars needs: the admin's stored corrections and the built-in source. */
export type CalendarDeps = { records: RecordReader; builtIn: CalendarSource }

/** `GET /v1/calendar/{year}`: the calendar deadlines count with, the admin's correction over the built-in one. */
export const readCalendar = async (deps: CalendarDeps, year: number): Promise<Calendar> =>
  (await deps.records.get<Calendar>('calendar', String(year)))?.value ?? deps.builtIn.calendar(year)

/** A computation asked for a year `withCalendars` has not read yet; never escapes it. */
class CalendarNotRead extends Error {
  readonly year: number
  constructor(year: number) {
    super(`the calendar of ${year} has not been read`)
    this.year = year
  }
}

/**
 * Runs synchronous deadline arithmetic over the effective calendars: when it asks for a year not
 * read yet, reads it and runs it again. So the arithmetic stays pure, and no caller has to guess
 * beforehand how many years N working days may reach (an admin's correction can stretch them).
 * Pass the same `read` map to several runs (a sweep over many legs) to read each year once.
 */
export const withCalendars = async <T>(
  deps: CalendarDeps,
  compute: (calendars: Calendars) => T,
  read: Map<number, Calendar> = new Map(),
): Promise<T> => {
  const calendars: Calendars = (year) => {
    const calendar = read.get(year)
    if (calendar === undefined) throw new CalendarNotRead(year)
    return calendar
  }
  for (;;) {
    try {
      return compute(calendars)
    } catch (error) {
      if (!(error instanceof CalendarNotRead)) throw error
      read.set(error.year, await readCalendar(deps, error.year))
    }
  }
}
