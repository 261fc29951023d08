import { setTimeout as sleep } from 'node:timers/promises'
import { defineCommand } from './command.js'
import { countOption } from './count-option.js'
import { connectCli } from './exchange-connection.js'

const usage = `exchange inbox watch [--interval <seconds>] [--ack] [--count <n>] [--json]

Pulls your inbox again and again and prints each message as it arrives, one line each (one JSON
document per line with --json), until interrupted (Ctrl-C) or --count messages came.
  --interval <s>  seconds between pulls while the inbox is empty (default 5)
  --ack           ack each message once printed; without it, messages come back after their lease
  --count <n>     stop after n messages`

/** `exchange inbox watch`: a home's or window's terminal following its inbox. */
export const inboxWatch = defineCommand({
  summary: 'follow your inbox, printing messages as they arrive',
  usage,
  options: {
    interval: { type: 'string' },
    ack: { type: 'boolean', default: false },
    count: { type: 'string' },
  },
  connects: true,
  run: async ({ values, connection, io, json }) => {
    const interval = countOption(values.interval, '--interval', 'bad-number') ?? 5
    const count = countOption(values.count, '--count', 'bad-number') ?? Number.POSITIVE_INFINITY
    const client = await connectCli(connection)
    const stop = new AbortController()
    const interrupt = () => stop.abort()
    process.once('SIGINT', interrupt)
    let received = 0
    let acked = 0
    try {
      if (!json) io.error(`watching the inbox of ${client.participant} (Ctrl-C stops)`)
      while (received < count && !stop.signal.aborted) {
        const messages = (await client.pull({ max: Math.min(100, count - received) })).slice(
          0,
          count - received,
        )
        for (const message of messages) {
          io.print(
            json
              ? JSON.stringify(message)
              : `${message.createdAt}  ${message.type}  ${message.caseId}  ${message.home}  v${message.version}  lease ${message.lease}`,
          )
        }
        received += messages.length
        if (values.ack && messages.length > 0) acked += (await client.ack(messages.map((m) => m.lease))).acked
        if (messages.length === 0)
          await sleep(interval * 1000, undefined, { signal: stop.signal }).catch(() => undefined)
      }
    } finally {
      process.off('SIGINT', interrupt)
    }
    // The messages went out one per line as they came (NDJSON with --json): only the tally is left.
    return { result: undefined, lines: [`${received} message${received === 1 ? '' : 's'}, ${acked} acked`] }
  },
})
