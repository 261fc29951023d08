import { registerParticipant } from '#shared/registry/register-participant.js'
import { stores } from '../../dependencies/stores.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { registry } = stores()

export const handler = httpHandler(routes.putParticipant, async ({ params, body, caller }) => {
  const { participant, created } = await registerParticipant(registry, {
    id: params.id,
    input: body,
    actor: caller,
  })
  return { body: participant, created }
})
