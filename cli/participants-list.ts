import type { Participant } from '#shared/registry/participant.js'
import { defineCommand } from './command.js'
import { connectCli } from './exchange-connection.js'
import { formatTable } from './table.js'

const usage = `exchange participants list [--json]

Lists every participant of the registry by id, the configured admin first (GET /v1/participants,
every page): id, name, kind, roles and status. --json prints { participants: [ … ] } as the exchange
describes them.
Exit status: 0 listed, 1 refused by the exchange, 2 unusable command line.`

/** `exchange participants list`: the registry's participants, as a table. */
export const participantsList = defineCommand({
  summary: 'list the participants of the registry',
  usage,
  options: {},
  connects: true,
  run: async ({ connection }) => {
    const client = await connectCli(connection)
    const participants: Participant[] = []
    for await (const page of client.pages('listParticipants', {})) participants.push(...page.participants)
    return {
      result: { participants },
      lines: formatTable(
        [{ header: 'id' }, { header: 'name' }, { header: 'kind' }, { header: 'roles' }, { header: 'status' }],
        participants.map((participant) => [
          participant.id,
          participant.name,
          participant.kind,
          participant.roles.join(','),
          participant.status,
        ]),
      ),
    }
  },
})
