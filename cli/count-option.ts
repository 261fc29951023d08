import { usageError } from './command-error.js'

/**
 * The value of a whole-number option of 1 or more (`--limit 20`), or undefined when it is absent.
 * Digits only: `Number()` alone would take `1e3`, `0x10`, ` 5` or `2.0`. Anything else is a usage
 * error under `code`, naming the flag and what it got.
 */
export const countOption = (value: string | undefined, flag: string, code: string): number | undefined => {
  if (value === undefined) return undefined
  const count = Number(value)
  if (!/^\d+$/.test(value) || count < 1 || !Number.isSafeInteger(count))
    throw usageError(code, `${flag} must be a whole number of 1 or more, not ${JSON.stringify(value)}`)
  return count
}
