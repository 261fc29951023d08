import * as z from 'zod'
import { Instant, Version } from '../registry/ids.js'

/** The years the exchange keeps calendars for. */
export const CalendarYear = z
  .number()
  .int()
  .min(2000, { error: 'must be a year from 2000 to 2100' })
  .max(2100, { error: 'must be a year from 2000 to 2100' })

const dayMs = 86_400_000

/** The date `days` days after `date` (before it when negative); dates are `YYYY-MM-DD`, zone-free. */
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10)

/** Whether a date is a Saturday or a Sunday. */
export const isWeekend = (date: string): boolean => {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay()
  return day === 0 || day === 6
}

/** Flags each repeat of a date at its own index, so the caller sees which entry to drop. */
const unique = (dates: string[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>()
  dates.forEach((date, index) => {
    if (seen.has(date)) ctx.addIssue({ code: 'custom', message: `${date} is listed twice`, path: [index] })
    seen.add(date)
  })
}

const holidayList = z
  .array(z.iso.date({ error: 'must be a real date, YYYY-MM-DD' }))
  .max(366)
  .superRefine(unique)
  .describe('Days off by the arrangement, weekends inside a holiday included (YYYY-MM-DD, Beijing dates).')

const workdayList = z
  .array(
    z.iso
      .date({ error: 'must be a real date, YYYY-MM-DD', abort: true })
      .refine(isWeekend, { error: 'a make-up working day falls on a Saturday or a Sunday' }),
  )
  .max(366)
  .superRefine(unique)
  .describe('Make-up working days (调休上班): weekends worked in exchange for days off.')

/** A day cannot be both off and worked. */
const disjoint = (value: { holidays: string[]; workdays: string[] }, ctx: z.RefinementCtx) => {
  const holidays = new Set(value.holidays)
  value.workdays.forEach((date, index) => {
    if (holidays.has(date)) {
      ctx.addIssue({ code: 'custom', message: `${date} is also a holiday`, path: ['workdays', index] })
    }
  })
}

/** Every date of a year's calendar lies in that year. */
const inYear = (value: { year: number; holidays: string[]; workdays: string[] }, ctx: z.RefinementCtx) => {
  for (const list of ['holidays', 'workdays'] as const) {
    value[list].forEach((date, index) => {
      if (!date.startsWith(`${value.year}-`)) {
        ctx.addIssue({ code: 'custom', message: `${date} is not in ${value.year}`, path: [list, index] })
      }
    })
  }
}

const source = z.string().min(1).max(500)

/**
 * One year of the mainland China working-day calendar: the holidays and make-up working days the
 * State Council publishes each year, where they came from, and whether they are only provisional.
 */
export const Calendar = z
  .strictObject({
    year: CalendarYear,
    holidays: holidayList,
    workdays: workdayList,
    source: source.describe('Where the dates come from.'),
    provisional: z
      .boolean()
      .describe(
        'True while the year is computed from the holiday regulations because the State Council has not ' +
          'published its arrangement yet: the admin should correct it once it does.',
      ),
    version: Version.optional().describe("Present on the admin's corrections."),
    createdAt: Instant.optional(),
    updatedAt: Instant.optional(),
  })
  .superRefine(inYear)
  .superRefine(disjoint)
  .meta({ id: 'Calendar' })
export type Calendar = z.infer<typeof Calendar>

/** The body of `PUT /v1/calendar/{year}`: the admin's full list of a year's holidays and make-up days. */
export const CalendarCorrection = z
  .strictObject({
    holidays: holidayList,
    workdays: workdayList,
    source: source.optional().describe('Where the dates come from, e.g. the State Council notice.'),
  })
  .superRefine(disjoint)
  .meta({ id: 'CalendarCorrection' })
export type CalendarCorrection = z.infer<typeof CalendarCorrection>

/** Whether people work on `date`: weekdays unless a holiday, weekends only as make-up working days. */
export const isWorkingDay = (date: string, calendar: Calendar): boolean =>
  !calendar.holidays.includes(date) && (calendar.workdays.includes(date) || !isWeekend(date))

/** Where the built-in calendars come from when the admin has not corrected a year. */
export interface CalendarSource {
  /** The published arrangement of `year`, or a provisional calendar while none is published. */
  calendar(year: number): Calendar
}
