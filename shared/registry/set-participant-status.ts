import { DomainError, notFound } from '../errors.js'
import type { Principal } from '../trust/principal.js'
import { adminParticipantId } from './participant.js'
import { type ParticipantWritten, type RegistryDeps, writeParticipant } from './register-participant.js'

/**
 * `POST /v1/participants/{id}/suspend` and `/reinstate`: the admin stops or restores a
 * participant's access. Authentication reads the status on every request, so it takes effect on
 * the participant's next call.
 */
export const setParticipantStatus = async (
  deps: RegistryDeps,
  command: { id: string; status: 'active' | 'suspended'; actor: Principal },
): Promise<ParticipantWritten> => {
  if (command.id === adminParticipantId) {
    throw new DomainError('validation-failed', 'The admin participant is configured, not registered.', {
      errors: [{ path: '/id', message: 'the configured administrator cannot be suspended or reinstated' }],
    })
  }
  return writeParticipant(deps, {
    id: command.id,
    actor: command.actor,
    fields: (current) => {
      if (current === undefined) throw notFound('The participant')
      return { ...current, status: command.status }
    },
    action: () => (command.status === 'suspended' ? 'participant.suspended' : 'participant.reinstated'),
  })
}
