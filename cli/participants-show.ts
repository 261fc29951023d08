import { defineCommand } from './command.js'
import { connectCli } from './exchange-connection.js'
import { participantLines } from './participant-view.js'

const usage = `exchange participants show <id> [--json]

Prints one participant (GET /v1/participants/{id}): name, kind, parent, division, roles, status, the
kids of its registered keys, contact and version. --json prints the participant as the exchange
describes it.
Exit status: 0 shown, 1 refused by the exchange (not-found for an unknown id), 2 unusable command line.`

/** `exchange participants show <id>`: one participant of the registry. */
export const participantsShow = defineCommand({
  summary: 'show one participant: description, status and keys',
  usage,
  options: {},
  positionals: ['id'],
  connects: true,
  run: async ({ positionals: [id = ''], connection }) => {
    const participant = await (await connectCli(connection)).call('getParticipant', { params: { id } })
    return { result: participant, lines: participantLines(participant) }
  },
})
