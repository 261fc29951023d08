import type * as z from 'zod'
import type { DayKind } from '../registry/item.js'
import { addDays, type Calendar, isWorkingDay } from './calendar.js'

/**
 * The calendar of a year. Synchronous, so that the arithmetic below stays pure and plain; use cases
 * hand in the calendars `withCalendars` (read-calendar.ts) reads for them.
 */
export type Calendars = (year: number) => Calendar

type Kind = z.infer<typeof DayKind>

/** Mainland China keeps UTC+8 all year (no daylight saving), so a Beijing date is a fixed shift. */
const beijingOffsetMs = 8 * 3_600_000

/** The Beijing calendar date (`YYYY-MM-DD`) of an instant: the day deadlines and statistics count in. */
export const beijingDate = (instant: string): string =>
  new Date(Date.parse(instant) + beijingOffsetMs).toISOString().slice(0, 10)

const endOfDay = (date: string) => `${date}T23:59:59.999+08:00`

const counts = (date: string, kind: Kind, calendars: Calendars) =>
  kind === 'calendar' || isWorkingDay(date, calendars(Number(date.slice(0, 4))))

/** The date on which the `days`-th counted day after `date` falls. */
const advance = (date: string, days: number, kind: Kind, calendars: Calendars) => {
  let current = date
  for (let counted = 0; counted < days; ) {
    current = addDays(current, 1)
    if (counts(current, kind, calendars)) counted++
  }
  return current
}

/** Counted days strictly after `from` up to and including `to`; stops early once `enough` are found. */
const countBetween = (from: string, to: string, kind: Kind, calendars: Calendars, enough = Infinity) => {
  let counted = 0
  for (let date = addDays(from, 1); date <= to && counted < enough; date = addDays(date, 1)) {
    if (counts(date, kind, calendars)) counted++
  }
  return counted
}

/**
 * `accept` starts the clock: the deadline is the end (Beijing time) of the `days`-th working or
 * calendar day after the Beijing date of acceptance, which itself does not count.
 */
export const deadlineOf = (
  clock: { startedAt: string; days: number; dayKind: Kind },
  calendars: Calendars,
): string => endOfDay(advance(beijingDate(clock.startedAt), clock.days, clock.dayKind, calendars))

/**
 * The days a supplement request cost the clock: those strictly after the Beijing date of the pause
 * up to and including that of the resubmission (the home worked on the day it paused; the day of
 * resubmission, like the day of acceptance, does not count). Same day: 0.
 */
export const pausedDays = (
  pause: { pausedAt: string; resumedAt: string; dayKind: Kind },
  calendars: Calendars,
): number => countBetween(beijingDate(pause.pausedAt), beijingDate(pause.resumedAt), pause.dayKind, calendars)

/** A deadline pushed back by `days` working or calendar days, e.g. the `pausedDays` of a supplement. */
export const extendDeadline = (deadline: string, days: number, dayKind: Kind, calendars: Calendars): string =>
  endOfDay(advance(beijingDate(deadline), days, dayKind, calendars))

/**
 * What a leg shows of its clock at `now`: `overdue` once the deadline has passed; `warning` while
 * not overdue with at most one working day left, counting the working days after today (Beijing)
 * up to the deadline's date, so both the deadline day and the working day before it warn.
 */
export const legTiming = (
  deadline: string,
  now: string,
  calendars: Calendars,
): { overdue: boolean; warning: boolean } => {
  const overdue = Date.parse(now) > Date.parse(deadline)
  const left = overdue ? 0 : countBetween(beijingDate(now), beijingDate(deadline), 'working', calendars, 2)
  return { overdue, warning: !overdue && left <= 1 }
}

/** Working days from one instant to a later one, by Beijing dates, the first not counting (statistics). */
export const workingDaysBetween = (fromInstant: string, toInstant: string, calendars: Calendars): number =>
  countBetween(beijingDate(fromInstant), beijingDate(toInstant), 'working', calendars)

/**
 * The latest deadline that `legTiming` flags at `now` (warning or overdue): the end of the day
 * before the second working day after today. The supervision sweep reads legs due by it.
 */
export const warningCutoff = (now: string, calendars: Calendars): string => {
  let date = beijingDate(now)
  for (let working = 0; working < 2; ) {
    date = addDays(date, 1)
    if (counts(date, 'working', calendars)) working++
  }
  return endOfDay(addDays(date, -1))
}
