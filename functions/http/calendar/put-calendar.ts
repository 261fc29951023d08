import { correctCalendar } from '#shared/clock/correct-calendar.js'
import { stores } from '../../dependencies/stores.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { registry } = stores()

export const handler = httpHandler(routes.putCalendar, async ({ params, body, caller }) => {
  const { calendar, created } = await correctCalendar(registry, {
    year: params.year,
    correction: body,
    actor: caller,
  })
  return { body: calendar, created }
})
