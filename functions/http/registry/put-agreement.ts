import { registerAgreement } from '#shared/registry/register-agreement.js'
import { stores } from '../../dependencies/stores.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { registry } = stores()

export const handler = httpHandler(routes.putAgreement, async ({ params, body, caller }) => {
  const { agreement, created } = await registerAgreement(registry, {
    id: params.id,
    input: body,
    actor: caller,
  })
  return { body: agreement, created }
})
