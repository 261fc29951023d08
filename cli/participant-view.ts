import { algorithmOf } from '#shared/registry/jwks.js'
import type { Participant } from '#shared/registry/participant.js'
import { formatTable } from './table.js'

/** One participant for people, a field a line: what it is, what it may do, its state and its keys. */
export const participantLines = (participant: Participant): string[] => {
  const { contact } = participant
  const reach = [contact?.name, contact?.email, contact?.phone].filter((part) => part !== undefined)
  return formatTable(
    [{}, {}],
    [
      ['id', participant.id],
      ['name', participant.name],
      ['kind', participant.kind],
      ...(participant.parentId === undefined ? [] : [['parent', participant.parentId]]),
      ...(participant.divisionCode === undefined ? [] : [['division', participant.divisionCode]]),
      ['roles', participant.roles.join(', ')],
      ['status', participant.status],
      ['keys', participant.jwks.keys.map((key) => `${key.kid} (${algorithmOf(key)})`).join(', ')],
      ...(reach.length === 0 ? [] : [['contact', reach.join(', ')]]),
      ['version', `${participant.version}, updated ${participant.updatedAt}`],
    ],
  )
}
