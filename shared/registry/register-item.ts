import type { Principal } from '../trust/principal.js'
import type { Item, ItemInput } from './item.js'
import type { RegistryDeps } from './register-participant.js'
import { registerRecord } from './register-record.js'

/** `PUT /v1/items/{code}`: the admin puts an item into the city-wide catalogue or revises it. */
export const registerItem = async (
  deps: RegistryDeps,
  command: { code: string; input: ItemInput; actor: Principal },
): Promise<{ item: Item; created: boolean }> => {
  const { value, created } = await registerRecord(deps, {
    collection: 'item',
    id: command.code,
    fields: { code: command.code, ...command.input },
    actor: command.actor,
    details: { itemCode: command.code, modes: command.input.modes, promisedDays: command.input.promisedDays },
  })
  return { item: value, created }
}
