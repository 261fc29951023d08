import { type AuditedWriteDeps, commitAudited } from '../audit/append-audited.js'
import { DomainError } from '../errors.js'
import type { Change } from '../store/changes.js'
import type { Principal } from '../trust/principal.js'
import type { ParticipantDirectory } from './find-participant.js'
import type { PublicJwks } from './jwks.js'
import { adminParticipantId, type Participant, type ParticipantInput } from './participant.js'
import { nextVersion } from './versioned.js'

/** What registry writes need: the audited store and the configured admin, whose kids are taken too. */
export type RegistryDeps = AuditedWriteDeps & ParticipantDirectory

/** What a participant write answers: the participant, and whether it was new. */
export type ParticipantWritten = { participant: Participant; created: boolean }

const kidTaken = (kid: string, path: string) =>
  new DomainError('validation-failed', 'A key id is already registered to another participant.', {
    errors: [{ path, message: `kid ${kid} is already registered to another participant` }],
  })

/** The changes that move a participant's key-id claims from `before` to `after`. */
const kidChanges = (owner: string, before: PublicJwks | undefined, after: PublicJwks): Change[] => {
  const old = new Set(before?.keys.map((key) => key.kid))
  const next = new Set(after.keys.map((key) => key.kid))
  return [
    ...[...next]
      .filter((kid) => !old.has(kid))
      .map((name): Change => ({ kind: 'claim', namespace: 'kid', name, owner })),
    ...[...old]
      .filter((kid) => !next.has(kid))
      .map((name): Change => ({ kind: 'release', namespace: 'kid', name, owner })),
  ]
}

/** Refuses a claimed kid someone else holds, pointing at the key in the request that names it. */
const onKidConflict =
  (keys: RequestKeys | undefined) =>
  (change: Change): 'retry' | DomainError => {
    if (change.kind !== 'claim' || keys === undefined) return 'retry'
    const index = keys.jwks.keys.findIndex((key) => key.kid === change.name)
    return kidTaken(change.name, `${keys.path}/keys/${index}/kid`)
  }

/** The keys a request carries and where they are in its body. */
type RequestKeys = { jwks: PublicJwks; path: string }

/**
 * Writes a participant's next state with its key-id claims and its audit event in one commit.
 * Shared by every participant write so none of them forgets the claims or the event.
 */
export const writeParticipant = (
  deps: RegistryDeps,
  command: {
    id: string
    actor: Principal
    keys?: RequestKeys
    /** The fields to store, from the current state; `undefined` current means a new participant. */
    fields: (current: Participant | undefined) => Omit<Participant, 'version' | 'createdAt' | 'updatedAt'>
    action: (current: Participant | undefined) => string
  },
): Promise<ParticipantWritten> => {
  // The admin's keys live in configuration, not in the kid index, so they are checked here.
  const adminKids = new Set(deps.adminJwks.keys.map((key) => key.kid))
  const taken = command.keys?.jwks.keys.findIndex((key) => adminKids.has(key.kid)) ?? -1
  const takenKey = command.keys?.jwks.keys[taken]
  if (command.keys !== undefined && takenKey !== undefined) {
    return Promise.reject(kidTaken(takenKey.kid, `${command.keys.path}/keys/${taken}/kid`))
  }
  return commitAudited(
    deps,
    async () => {
      const current = await deps.records.get<Participant>('participant', command.id)
      const { value: participant, changed } = nextVersion(
        current,
        command.fields(current?.value),
        deps.clock(),
      )
      if (!changed) return { changes: [], audit: [], result: { participant, created: false } }
      return {
        changes: [
          {
            kind: 'put-record',
            collection: 'participant',
            id: command.id,
            value: participant,
            version: participant.version,
            expectedVersion: current?.version ?? 0,
          },
          ...kidChanges(command.id, current?.value.jwks, participant.jwks),
        ],
        audit: [
          {
            actor: { participant: command.actor.participant, sub: command.actor.sub },
            action: command.action(current?.value),
            details: {
              participantId: participant.id,
              version: participant.version,
              status: participant.status,
              roles: participant.roles,
              kids: participant.jwks.keys.map((key) => key.kid),
            },
          },
        ],
        result: { participant, created: current === undefined },
      }
    },
    onKidConflict(command.keys),
  )
}

/** `PUT /v1/participants/{id}`: the admin registers a participant or replaces its description. */
export const registerParticipant = async (
  deps: RegistryDeps,
  command: { id: string; input: ParticipantInput; actor: Principal },
): Promise<ParticipantWritten> => {
  if (command.id === adminParticipantId) {
    throw new DomainError('validation-failed', 'The admin participant is configured, not registered.', {
      errors: [{ path: '/id', message: 'admin is reserved for the configured administrator' }],
    })
  }
  if (command.input.parentId === command.id) {
    throw new DomainError('validation-failed', 'A participant cannot be its own parent.', {
      errors: [{ path: '/parentId', message: 'must differ from the participant id' }],
    })
  }
  return writeParticipant(deps, {
    id: command.id,
    actor: command.actor,
    keys: { jwks: command.input.jwks, path: '/jwks' },
    fields: (current) => ({ id: command.id, ...command.input, status: current?.status ?? 'active' }),
    action: (current) => (current === undefined ? 'participant.registered' : 'participant.updated'),
  })
}
