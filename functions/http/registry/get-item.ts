import { getItem } from '#shared/registry/read-registry.js'
import { stores } from '../../dependencies/stores.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { registry } = stores()

export const handler = httpHandler(routes.getItem, async ({ params }) => ({
  body: await getItem(registry, params.code),
}))
