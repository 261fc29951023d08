import { defineCommand } from './command.js'
import { countOption } from './count-option.js'
import { connectCli } from './exchange-connection.js'
import { messageTable } from './inbox-messages.js'

const usage = `exchange inbox pull [--max <1-100>] [--lease <seconds>] [--ack] [--json]

Leases your longest-waiting messages (at most one per case at a time) and prints them with their
leases. Act on each, then ack it (\`exchange inbox ack --lease <lease>\`); a message not acked
within its lease comes back, delivered again. An intake-approved message's proxy-receipt notice
is verified against the exchange's keys before it is shown.
  --max <n>          messages at most (1-100, default 10)
  --lease <seconds>  how long they stay yours (10-900, default 60)
  --ack              ack them right after printing (for messages you only record)`

/** `exchange inbox pull`: lease messages, and ack them with `--ack`. */
export const inboxPull = defineCommand({
  summary: 'lease waiting messages (and ack them with --ack)',
  usage,
  options: { max: { type: 'string' }, lease: { type: 'string' }, ack: { type: 'boolean', default: false } },
  connects: true,
  run: async ({ values, connection }) => {
    // Their ranges are the exchange's to check (422 naming each): no second copy of its rules here.
    const max = countOption(values.max, '--max', 'bad-number')
    const leaseSeconds = countOption(values.lease, '--lease', 'bad-number')
    const client = await connectCli(connection)
    const messages = await client.pull({
      ...(max === undefined ? {} : { max }),
      ...(leaseSeconds === undefined ? {} : { leaseSeconds }),
    })
    const acked =
      values.ack && messages.length > 0 ? await client.ack(messages.map((m) => m.lease)) : undefined
    return {
      result: { messages, ...(acked === undefined ? {} : { acked }) },
      lines: [
        ...(messages.length === 0 ? ['no messages waiting'] : messageTable(messages)),
        ...(acked === undefined ? [] : [`acked ${acked.acked}, stale ${acked.stale}`]),
      ],
    }
  },
})
