/**
 * `exchange`, the project's command line (`npx exchange <group> <command> …`, or
 * `npm run exchange -- …`): the command table run against this process's streams and environment.
 */
import { runCommand } from './command.js'
import { commands } from './commands.js'

// On a terminal a progress bar may be drawn in place; a line on stderr first clears it.
const clearLine = process.stderr.isTTY ? '\r\x1b[2K' : ''

process.exitCode = await runCommand(
  commands,
  process.argv.slice(2),
  {
    print: (line) => process.stdout.write(`${line}\n`),
    error: (line) => process.stderr.write(`${clearLine}${line}\n`),
    ...(process.stderr.isTTY
      ? { terminal: { columns: process.stderr.columns, write: (text) => process.stderr.write(text) } }
      : {}),
  },
  process.env,
)
