import { defineCommand, explain } from './command.js'
import { CommandError } from './command-error.js'
import { connectCli } from './exchange-connection.js'
import { commandErrorOf } from './exchange-refusal.js'
import { participantLines } from './participant-view.js'

const usage = `exchange connection check [--json]

Checks, step by step, everything a first call needs, and says which step fails: the exchange
answers its discovery document (with --exchange-id, as that exchange) and publishes its signing keys
(with --exchange-keys, at least one of those you trust); the operations it serves are those
this client knows (a newer or older exchange is reported, not refused); your key file is usable;
a request signed with it is accepted (so the participant is registered with this key, active, and
your clock is close enough); and which roles you hold.
Exit status: 0 ready, 1 a step failed (the line says which and why), 2 unusable command line.`

/** Runs one step of the check; a failure names the step, then what went wrong. */
const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
  try {
    return await run()
  } catch (error) {
    const explained = commandErrorOf(error)
    if (explained instanceof CommandError)
      throw new CommandError(explained.code, `${name}: ${explained.message}`, {
        details: explained.details ?? {},
      })
    // fetch says only "fetch failed"; `explain` adds its cause (refused, unknown host).
    throw new CommandError('unreachable', `${name}: ${explain(error)}`)
  }
}

/** `exchange connection check`: the first command a new integration runs. */
export const connectionCheck = defineCommand({
  summary: 'check the exchange, your key and your registration, step by step',
  usage,
  options: {},
  connects: true,
  run: async ({ connection }) => {
    const client = await step('reaching the exchange', () => connectCli(connection))
    const { missingFromExchange, unknownToClient } = await step('reading its OpenAPI document', () =>
      client.compareOpenApi(),
    )
    // Reading yourself is the smallest signed call: it proves the key, the registration and the clock.
    const participant = await step('a request signed with your key', () =>
      client.call('getParticipant', { params: { id: client.participant } }),
    )
    const kid = connection.key.jwk.kid
    const served = (await step('reading its signing keys', () => client.call('getJwks', {}))).keys.map(
      (k) => k.kid,
    )
    const pinned = connection.trustedKeys?.keys.map((k) => k.kid)
    // A rotation may add a key you were not handed yet; a set you share no key with cannot be checked.
    if (pinned !== undefined && !served.some((id) => pinned.includes(id)))
      throw new CommandError(
        'untrusted-keys',
        `the exchange signs with ${served.join(', ')}, none of the keys you trust (${pinned.join(', ')}): check where --exchange points and which keys its operator publishes`,
      )
    return {
      result: {
        exchangeId: client.exchangeId,
        participant,
        kid,
        missingFromExchange,
        unknownToClient,
        served,
        pinned,
      },
      lines: [
        `exchange ${client.exchangeId} at ${connection.baseUrl}: discovery published`,
        pinned === undefined
          ? `signing keys: ${served.join(', ')}, as the exchange serves them (pin them with --exchange-keys)`
          : `signing keys: ${served.join(', ')}, checked against the ${pinned.length} you trust`,
        missingFromExchange.length + unknownToClient.length === 0
          ? 'operations: the exchange serves exactly those this client knows'
          : `operations: the exchange lacks ${missingFromExchange.join(', ') || 'none'}; this client does not know ${unknownToClient.join(', ') || 'none'}`,
        `signed request accepted: you are ${client.participant}, key ${kid}`,
        ...participantLines(participant),
      ],
    }
  },
})
