import { defineCommand } from './command.js'
import { connectCli } from './exchange-connection.js'
import { readPublicJwks } from './jwks-file.js'
import { participantLines } from './participant-view.js'
import { requiredOption } from './required-option.js'

const usage = `exchange keys rotate --jwks <public.jwks.json> [--json]

Replaces your participant's registered keys with the public JWKS in the file (PUT
/v1/participants/{id}/jwks), signed with the key you hold now (--key). The file is checked first, and
one holding private key material is refused before anything is sent. Keys left out of the new set
stop working at once: keep the current key in the set until every system of yours signs with the new
one (keys generate writes a new pair; merge its key into your current JWKS), then rotate again
without it. Prints the participant with its new kids; --json prints it as the exchange describes it.
Exit status: 0 rotated, 1 refused (the JWKS file, or the exchange, e.g. validation-failed), 2 unusable
command line.`

/** `exchange keys rotate --jwks <file>`: a participant replaces its own keys. */
export const keysRotate = defineCommand({
  summary: "replace your participant's registered public keys",
  usage,
  options: { jwks: { type: 'string' } },
  connects: true,
  run: async ({ values, connection }) => {
    const jwks = await readPublicJwks(requiredOption(values.jwks, '--jwks'))
    const id = connection.key.participant
    const participant = await (await connectCli(connection)).call('putParticipantJwks', {
      params: { id },
      body: { jwks },
    })
    const current = connection.key.jwk.kid
    const retired = jwks.keys.every((key) => key.kid !== current)
    return {
      result: participant,
      lines: [
        `rotated the keys of ${id}`,
        ...participantLines(participant),
        ...(retired
          ? [`the key you signed with (${current}) is no longer registered: sign with a new one`]
          : []),
      ],
    }
  },
})
