import { DomainError, notFound } from '../errors.js'
import type { Principal } from '../trust/principal.js'
import type { PublicJwks } from './jwks.js'
import { type ParticipantWritten, type RegistryDeps, writeParticipant } from './register-participant.js'

/**
 * `PUT /v1/participants/{id}/jwks`: a participant replaces its own keys, with a token signed by a
 * key it holds now; the admin may do it for anyone (recovery after a lost key).
 */
export const rotateParticipantKeys = async (
  deps: RegistryDeps,
  command: { id: string; jwks: PublicJwks; actor: Principal },
): Promise<ParticipantWritten> => {
  if (command.actor.participant !== command.id && !command.actor.roles.includes('admin')) {
    throw new DomainError('forbidden', 'A participant may rotate only its own keys.')
  }
  return writeParticipant(deps, {
    id: command.id,
    actor: command.actor,
    keys: { jwks: command.jwks, path: '/jwks' },
    fields: (current) => {
      if (current === undefined) throw notFound('The participant')
      return { ...current, jwks: command.jwks }
    },
    action: () => 'participant.keys-rotated',
  })
}
