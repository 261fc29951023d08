import { DomainError } from '../errors.js'
import type { RegistryDeps } from '../registry/register-participant.js'
import { registerRecord } from '../registry/register-record.js'
import type { Principal } from '../trust/principal.js'
import { Calendar, type CalendarCorrection } from './calendar.js'

const defaultSource = 'Corrected by the exchange administrator.'

/**
 * `PUT /v1/calendar/{year}`: the admin replaces a year's calendar, typically once the State Council
 * publishes the arrangement of a year the exchange only had a provisional calendar for. A
 * correction is authoritative (never provisional); deadlines already set keep the dates they got.
 */
export const correctCalendar = async (
  deps: RegistryDeps,
  command: { year: number; correction: CalendarCorrection; actor: Principal },
): Promise<{ calendar: Calendar; created: boolean }> => {
  const { year, correction } = command
  const candidate = {
    year,
    holidays: correction.holidays,
    workdays: correction.workdays,
    source: correction.source ?? defaultSource,
    provisional: false,
  }
  // The body was checked on its own; only the calendar knows its year, so the dates are checked here.
  const checked = Calendar.safeParse(candidate)
  if (!checked.success) {
    throw new DomainError('validation-failed', `The calendar lists dates that are not valid for ${year}.`, {
      errors: checked.error.issues.map((issue) => ({
        path: `/${issue.path.join('/')}`,
        message: issue.message,
      })),
    })
  }
  const { value, created } = await registerRecord(deps, {
    collection: 'calendar',
    id: String(year),
    // Sorted, so that the same dates in another order are the same calendar and write nothing.
    fields: {
      ...candidate,
      holidays: [...candidate.holidays].sort(),
      workdays: [...candidate.workdays].sort(),
    },
    actor: command.actor,
    details: { year, holidays: candidate.holidays.length, workdays: candidate.workdays.length },
  })
  return { calendar: value, created }
}
