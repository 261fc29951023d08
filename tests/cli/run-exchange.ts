import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type Env, runCommand } from '../../cli/command.js'
import { commands } from '../../cli/commands.js'

/** The repository, where the command line runs. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/** The bin npm links for `npx exchange` (tools/exchange-bin). */
export const exchangeBin = fileURLToPath(new URL('../../node_modules/.bin/exchange', import.meta.url))

/** What one run of the command line did: its exit status, stdout, and the lines on stderr. */
export type Run = { code: number; stdout: string; stderr: string[] }

const lines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'))

/** Runs `exchange` in this process against the real command table; `env` stands for the environment. */
export const exchangeInProcess = async (argv: readonly string[], env: Env = {}): Promise<Run> => {
  const stdout: string[] = []
  const stderr: string[] = []
  const code = await runCommand(
    commands,
    argv,
    { print: (line) => stdout.push(line), error: (line) => stderr.push(...lines(line)) },
    env,
  )
  return { code, stdout: stdout.map((line) => `${line}\n`).join(''), stderr }
}

/**
 * Runs the command line in a process of its own, through the bin `npx exchange` runs, with a bare
 * environment; `command` puts a wrapper (such as setpriv) in front.
 */
export const exchangeProcess = (args: readonly string[], options: { command?: string[]; env?: Env } = {}) =>
  new Promise<Run>((resolve) => {
    const [file = exchangeBin, ...wrapper] = [...(options.command ?? []), exchangeBin]
    execFile(
      file,
      [...wrapper, ...args],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env } },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr: lines(stderr) }),
    )
  })
