import { DomainError, type FieldError } from '../errors.js'
import type { Principal } from '../trust/principal.js'
import type { Agreement, AgreementInput } from './agreement.js'
import { findParticipant } from './find-participant.js'
import type { RegistryDeps } from './register-participant.js'
import { registerRecord } from './register-record.js'

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
  })
  return { agreement: value, created }
}
