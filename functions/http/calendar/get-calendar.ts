import { readCalendar } from '#shared/clock/read-calendar.js'
import { calendars } from '../../dependencies/calendars.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const deps = calendars()

export const handler = httpHandler(routes.getCalendar, async ({ params }) => ({
  body: await readCalendar(deps, params.year),
}))
