import { ExchangeProblem } from '../client/client-errors.js'

/** What a registry `PUT` did to its record. */
export type WriteOutcome = 'created' | 'updated' | 'unchanged'

/**
 * Writes a registry record and tells what that did, from its version before and after: the exchange
 * answers 201 or 200, but the client's `call` hands on only the body. A repeated identical write
 * keeps the version, so it shows as unchanged; a record another admin creates between the read and
 * the write shows as created, which is what this command meant to do.
 */
export const writeRecord = async <R extends { version: number }>(
  read: () => Promise<R>,
  write: () => Promise<R>,
): Promise<{ record: R; outcome: WriteOutcome }> => {
  const before = await read().catch((error: unknown) => {
    if (error instanceof ExchangeProblem && error.code === 'not-found') return undefined
    throw error
  })
  const record = await write()
  const outcome =
    before === undefined ? 'created' : record.version === before.version ? 'unchanged' : 'updated'
  return { record, outcome }
}
