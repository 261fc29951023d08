/**
 * A refusal meant for the user: one line (`exchange: <message>`), a stable `code` for scripts, exit
 * status 1 (or 2 for what cannot be used at all) and, with `--json`, `details` on stdout.
 */
export class CommandError extends Error {
  readonly code: string
  readonly status: 1 | 2
  readonly details: Record<string, unknown> | undefined
  /** A mistake in the command line itself: the one line points at the command's help. */
  readonly usage: boolean

  constructor(
    code: string,
    message: string,
    options: { status?: 1 | 2; details?: Record<string, unknown>; usage?: boolean } = {},
  ) {
    super(message)
    this.name = 'CommandError'
    this.code = code
    this.status = options.status ?? 1
    this.details = options.details
    this.usage = options.usage ?? false
  }
}

/** A command line that cannot be used: exit status 2, and a pointer to the help. */
export const usageError = (code: string, message: string): CommandError =>
  new CommandError(code, message, { status: 2, usage: true })
