import { defineCommand } from './command.js'
import { connectCli } from './exchange-connection.js'
import { participantLines } from './participant-view.js'

const usage = `exchange participants reinstate <id> [--json]

Reinstates a suspended participant, as the admin (POST /v1/participants/{id}/reinstate): its next
request is served again. Reinstating an active participant changes nothing. Prints the participant;
--json prints it as the exchange describes it.
Exit status: 0 reinstated, 1 refused by the exchange (forbidden for a non-admin, not-found), 2 unusable
command line.`

/** `exchange participants reinstate <id>`: the admin restores a participant's access. */
export const participantsReinstate = defineCommand({
  summary: 'reinstate a suspended participant (admin)',
  usage,
  options: {},
  positionals: ['id'],
  connects: true,
  run: async ({ positionals: [id = ''], connection }) => {
    const participant = await (await connectCli(connection)).call('reinstateParticipant', { params: { id } })
    return { result: participant, lines: [`reinstated participant ${id}`, ...participantLines(participant)] }
  },
})
