import { setTimeout as sleep } from 'node:timers/promises'
import { ExchangeProblem } from '../client/client-errors.js'
import { defineCommand } from './command.js'
import { CommandError } from './command-error.js'
import { countOption } from './count-option.js'
import { connectCli } from './exchange-connection.js'
import { commandErrorOf } from './exchange-refusal.js'

const usage = `exchange inbox watch [--interval <seconds>] [--ack] [--count <n>] [--json]

Pulls your inbox again and again and prints each message as it arrives, one line each (one JSON
document per line with --json), until interrupted (Ctrl-C) or --count messages came. A lost
connection, a timeout or a busy exchange is reported on stderr and tried again, after 1 s, then
twice as long each time up to a minute; a refusal that will not pass (unauthenticated, forbidden,
suspended, an answer that does not verify) ends the watch.
  --interval <s>  seconds between pulls while the inbox is empty (default 5)
  --ack           ack each message once printed; without it, messages come back after their lease
  --count <n>     stop after n messages`

/** The first wait after a failure that may pass, in seconds; each next one doubles, up to the longest. */
const firstRetrySeconds = 1
const longestRetrySeconds = 60

/**
 * Whether a failed call may succeed if tried again later: the exchange (or its gateway) busy or
 * failing (429, 5xx), the network failing (fetch's `TypeError` carries the socket's reason as its
 * cause), or a try timed out. Refusals of the request itself (any other 4xx: unauthenticated,
 * forbidden, suspended, …) and distrust come back the same however long the watch waits.
 */
export const mayPass = (error: unknown): boolean => {
  if (error instanceof ExchangeProblem) return error.status === 429 || error.status >= 500
  if (!(error instanceof Error)) return false
  return error.name === 'TimeoutError' || (error instanceof TypeError && error.cause instanceof Error)
}

/** A passing failure in a few words: the exchange's refusal as a command ends with it, else the network's reason. */
const reasonOf = (error: Error): string => {
  const refusal = commandErrorOf(error)
  if (refusal instanceof CommandError) return refusal.message
  const reason = error.cause instanceof Error && error.cause.message !== '' ? error.cause : error
  return `no answer from the exchange: ${reason.message}`
}

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
    const pause = (seconds: number) =>
      sleep(seconds * 1000, undefined, { signal: stop.signal }).catch(() => undefined)
    /**
     * Runs `call` until it succeeds, waiting longer after each failure that may pass; answers
     * undefined when interrupted while waiting. Other failures end the watch.
     */
    const persisting = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
      for (let wait = firstRetrySeconds; ; wait = Math.min(longestRetrySeconds, wait * 2)) {
        try {
          return await call()
        } catch (error) {
          if (!(error instanceof Error) || !mayPass(error)) throw error
          io.error(`exchange: ${reasonOf(error)} (retrying in ${wait}s)`)
          await pause(wait)
          if (stop.signal.aborted) return undefined
        }
      }
    }
    process.once('SIGINT', interrupt)
    let received = 0
    let acked = 0
    try {
      if (!json) io.error(`watching the inbox of ${client.participant} (Ctrl-C stops)`)
      while (received < count && !stop.signal.aborted) {
        const max = Math.min(100, count - received)
        const messages = (await persisting(() => client.pull({ max })))?.slice(0, count - received)
        if (messages === undefined) break
        for (const message of messages) {
          io.print(
            json
              ? JSON.stringify(message)
              : `${message.createdAt}  ${message.type}  ${message.caseId}  ${message.home}  v${message.version}  lease ${message.lease}`,
          )
        }
        received += messages.length
        // An ack tried again rather than dropped: its messages, printed already, would come back after their lease.
        if (values.ack && messages.length > 0)
          acked += (await persisting(() => client.ack(messages.map((m) => m.lease))))?.acked ?? 0
        if (messages.length === 0) await pause(interval)
      }
    } finally {
      process.off('SIGINT', interrupt)
    }
    // The messages went out one per line as they came (NDJSON with --json): only the tally is left.
    return { result: undefined, lines: [`${received} message${received === 1 ? '' : 's'}, ${acked} acked`] }
  },
})
