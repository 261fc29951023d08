/** Where a command writes: results to `print` (stdout), complaints to `error` (stderr). */
export type CommandIo = { print: (line: string) => void; error: (line: string) => void }

/** One subcommand: its arguments after its name in, an exit status out. */
export type Command = (args: readonly string[], io: CommandIo) => Promise<number>
