import { readStatistics } from '#shared/stats/read-statistics.js'
import { statistics } from '../../dependencies/statistics.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const deps = statistics()

export const handler = httpHandler(routes.getStats, async ({ query, caller }) => ({
  body: await readStatistics(deps, { query, caller }),
}))
