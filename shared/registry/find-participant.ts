import type { RecordReader } from '../store/changes.js'
import type { PublicJwks } from './jwks.js'
import { adminParticipantId, type Participant } from './participant.js'

/** Where participants are found: the registry, plus the admin that configuration bootstraps. */
export type ParticipantDirectory = { records: RecordReader; adminJwks: PublicJwks }

const bootstrapped = '1970-01-01T00:00:00.000Z'

/** The `admin` participant, whose keys come from configuration (a stack parameter on AWS). */
export const adminParticipant = (jwks: PublicJwks): Participant => ({
  id: adminParticipantId,
  name: 'Exchange administrator',
  kind: 'agency',
  roles: ['admin'],
  jwks,
  status: 'active',
  version: 1,
  createdAt: bootstrapped,
  updatedAt: bootstrapped,
})

/** Looks a participant up by id, from the registry's latest committed state. */
export const findParticipant = async (
  deps: ParticipantDirectory,
  id: string,
): Promise<Participant | undefined> => {
  if (id === adminParticipantId) return adminParticipant(deps.adminJwks)
  return (await deps.records.get<Participant>('participant', id))?.value
}
