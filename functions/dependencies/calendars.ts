import type { CalendarDeps } from '#shared/clock/read-calendar.js'
import { chineseDaysCalendar } from '../adapters/chinese-days-calendar.js'
import { stores } from './stores.js'

let built: CalendarDeps | undefined

/**
 * This process's calendars, built once per cold start. Kept apart from `stores` so that only the
 * functions that count days carry the chinese-days package and its start-up work.
 */
export const calendars = (): CalendarDeps => {
  built ??= { records: stores().registry.records, builtIn: chineseDaysCalendar() }
  return built
}
