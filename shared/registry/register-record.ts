import { commitAudited } from '../audit/append-audited.js'
import type { Change, Collection } from '../store/changes.js'
import type { Principal } from '../trust/principal.js'
import type { RegistryDeps } from './register-participant.js'
import { nextVersion, type RecordMeta } from './versioned.js'

/**
 * Upserts a catalogue record (item, agreement) with its audit event in one commit; a repeated
 * identical PUT writes nothing and answers the record as it is.
 */
export const registerRecord = <F extends object>(
  deps: RegistryDeps,
  command: {
    collection: Exclude<Collection, 'participant'>
    id: string
    fields: F
    actor: Principal
    /** What the audit event may say of the record: ids and numbers, never personal data. */
    details: Record<string, unknown>
    /** Index entries that must move with the record, from its current state (if any). */
    indexes?: (current: (F & RecordMeta) | undefined) => Change[]
  },
): Promise<{ value: F & RecordMeta; created: boolean }> =>
  commitAudited(deps, async () => {
    const current = await deps.records.get<F & RecordMeta>(command.collection, command.id)
    const { value, changed } = nextVersion(current, command.fields, deps.clock())
    const created = current === undefined
    if (!changed) return { changes: [], audit: [], result: { value, created } }
    return {
      changes: [
        {
          kind: 'put-record',
          collection: command.collection,
          id: command.id,
          value,
          version: value.version,
          expectedVersion: current?.version ?? 0,
        },
        ...(command.indexes?.(current?.value) ?? []),
      ],
      audit: [
        {
          actor: { participant: command.actor.participant, sub: command.actor.sub },
          action: `${command.collection}.${created ? 'registered' : 'updated'}`,
          details: { ...command.details, version: value.version },
        },
      ],
      result: { value, created },
    }
  })
