import { listSupervisedLegs } from '#shared/stats/list-supervised-legs.js'
import { supervision } from '../../dependencies/supervision.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { legs } = supervision()

export const handler = httpHandler(routes.listSupervisedLegs, async ({ query }) => ({
  body: await listSupervisedLegs(legs, query),
}))
