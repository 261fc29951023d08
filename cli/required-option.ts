import { usageError } from './command-error.js'

/** The value of an option the command cannot do without: `node:util` parseArgs has no required options. */
export const requiredOption = (value: string | undefined, flag: string): string => {
  if (value === undefined) throw usageError('missing-option', `${flag} is required`)
  return value
}
