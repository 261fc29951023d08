import { defineCommand } from './command.js'
import { connectCli } from './exchange-connection.js'
import { participantLines } from './participant-view.js'

const usage = `exchange participants suspend <id> [--json]

Suspends a participant, as the admin (POST /v1/participants/{id}/suspend): from its next request on,
the exchange refuses it with 403 suspended; its cases, keys and messages stay. Suspending a suspended
participant changes nothing. Prints the participant; --json prints it as the exchange describes it.
Exit status: 0 suspended, 1 refused by the exchange (forbidden for a non-admin, not-found), 2 unusable
command line.`

/** `exchange participants suspend <id>`: the admin stops a participant's access. */
export const participantsSuspend = defineCommand({
  summary: 'suspend a participant: its next request is refused (admin)',
  usage,
  options: {},
  positionals: ['id'],
  connects: true,
  run: async ({ positionals: [id = ''], connection }) => {
    const participant = await (await connectCli(connection)).call('suspendParticipant', { params: { id } })
    return { result: participant, lines: [`suspended participant ${id}`, ...participantLines(participant)] }
  },
})
