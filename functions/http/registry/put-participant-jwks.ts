import { rotateParticipantKeys } from '#shared/registry/rotate-participant-keys.js'
import { stores } from '../../dependencies/stores.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { registry } = stores()

export const handler = httpHandler(routes.putParticipantJwks, async ({ params, body, caller }) => ({
  body: (await rotateParticipantKeys(registry, { id: params.id, jwks: body.jwks, actor: caller }))
    .participant,
}))
