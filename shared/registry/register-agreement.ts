import { DomainError, type FieldError } from '../errors.js'
import type { Change, RecordReader } from '../store/changes.js'
import type { Principal } from '../trust/principal.js'
import type { Agreement, AgreementInput } from './agreement.js'
import { findParticipant } from './find-participant.js'
import type { RegistryDeps } from './register-participant.js'
import { registerRecord } from './register-record.js'

/** Moves the agreement's entries in each party's `agreements-of` set from `before` to `after`. */
const partyIndex = (id: string, before: readonly string[], after: readonly string[]): Change[] => [
  ...after
    .filter((party) => !before.includes(party))
    .map((party): Change => ({ kind: 'claim', namespace: `agreements-of#${party}`, name: id, owner: id })),
  ...before
    .filter((party) => !after.includes(party))
    .map((party): Change => ({ kind: 'release', namespace: `agreements-of#${party}`, name: id, owner: id })),
]

/** The agreements a participant is party to, read through its index (never the whole collection). */
export const agreementsOf = async (
  deps: { records: RecordReader },
  participant: string,
): Promise<Agreement[]> => {
  const ids = await deps.records.names(`agreements-of#${participant}`)
  const found = await Promise.all(ids.map((id) => deps.records.get<Agreement>('agreement', id)))
  return found.flatMap((stored) => (stored === undefined ? [] : [stored.value]))
}

/**
 * `PUT /v1/agreements/{id}`: the admin records which parties may hand which items to each other.
 * Every party and item must already be registered, so an agreement never names a stranger.
 */
export const registerAgreement = async (
  deps: RegistryDeps,
  command: { id: string; input: AgreementInput; actor: Principal },
): Promise<{ agreement: Agreement; created: boolean }> => {
  const { parties, items } = command.input
  const [partyFound, itemFound] = await Promise.all([
    Promise.all(parties.map(async (id) => (await findParticipant(deps, id)) !== undefined)),
    Promise.all(
      items.map(async (code) => code === '*' || (await deps.records.get('item', code)) !== undefined),
    ),
  ])
  const errors: FieldError[] = [
    ...parties.flatMap((id, i) =>
      partyFound[i] ? [] : [{ path: `/parties/${i}`, message: `no participant ${id}` }],
    ),
    ...items.flatMap((code, i) =>
      itemFound[i] ? [] : [{ path: `/items/${i}`, message: `no item ${code}` }],
    ),
  ]
  if (errors.length > 0) {
    throw new DomainError(
      'validation-failed',
      'The agreement names parties or items that are not registered.',
      {
        errors,
      },
    )
  }
  const { value, created } = await registerRecord(deps, {
    collection: 'agreement',
    id: command.id,
    fields: { id: command.id, ...command.input },
    actor: command.actor,
    details: { agreementId: command.id, parties, items, validFrom: command.input.validFrom },
    indexes: (current) => partyIndex(command.id, current?.parties ?? [], parties),
  })
  return { agreement: value, created }
}
