import { defineCommand } from './command.js'
import { usageError } from './command-error.js'
import { connectCli } from './exchange-connection.js'

const usage = `exchange inbox ack --lease <lease> [--lease <lease> …] [--json]

Removes the messages your leases hold, for good. A lease that no longer holds its message
(acked already, expired and leased again) counts as stale, never as an error.`

/** `exchange inbox ack`: remove messages by their leases. */
export const inboxAck = defineCommand({
  summary: 'ack messages by their leases',
  usage,
  options: { lease: { type: 'string', multiple: true } },
  connects: true,
  run: async ({ values, connection }) => {
    const leases = values.lease ?? []
    if (leases.length === 0) throw usageError('no-lease', 'name at least one --lease')
    const answer = await (await connectCli(connection)).ack(leases)
    return { result: answer, lines: [`acked ${answer.acked}, stale ${answer.stale}`] }
  },
})
