import { registerItem } from '#shared/registry/register-item.js'
import { stores } from '../../dependencies/stores.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { registry } = stores()

export const handler = httpHandler(routes.putItem, async ({ params, body, caller }) => {
  const { item, created } = await registerItem(registry, { code: params.code, input: body, actor: caller })
  return { body: item, created }
})
