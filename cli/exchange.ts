/**
 * `exchange`, the project's command line (`npm run exchange -- <group> <command> …`). Commands are
 * data: a group names its commands, each a module exporting one `Command`, so a new one is one entry.
 */
import { auditVerify } from './audit-verify.js'
import type { Command, CommandIo } from './command.js'

const commands: Record<string, Record<string, { summary: string; run: Command }>> = {
  audit: {
    verify: {
      summary: 'check an audit export offline (hashes, chains, checkpoints, proofs)',
      run: auditVerify,
    },
  },
}

const help = () =>
  [
    'usage: exchange <group> <command> [arguments]',
    '',
    ...Object.entries(commands).flatMap(([group, list]) =>
      Object.entries(list).map(([name, { summary }]) => `  ${group} ${name}`.padEnd(24) + summary),
    ),
  ].join('\n')

/** Runs the command `argv` names and answers its exit status. */
export const runCommand = async (argv: readonly string[], io: CommandIo): Promise<number> => {
  const [group, name, ...rest] = argv
  if (group === undefined || group === '--help' || group === '-h') {
    io.print(help())
    return group === undefined ? 2 : 0
  }
  const command = name === undefined ? undefined : commands[group]?.[name]
  if (command === undefined) {
    io.error(`unknown command: ${[group, name].filter(Boolean).join(' ')}\n\n${help()}`)
    return 2
  }
  return command.run(rest, io)
}

process.exitCode = await runCommand(process.argv.slice(2), {
  print: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
})
