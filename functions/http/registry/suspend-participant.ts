import { setParticipantStatus } from '#shared/registry/set-participant-status.js'
import { stores } from '../../dependencies/stores.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { registry } = stores()

export const handler = httpHandler(routes.suspendParticipant, async ({ params, caller }) => ({
  body: (await setParticipantStatus(registry, { id: params.id, status: 'suspended', actor: caller }))
    .participant,
}))
