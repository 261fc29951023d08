import { type ParseArgsConfig, parseArgs } from 'node:util'
import { ParticipantId } from '#shared/registry/ids.js'
import type { PublicJwks } from '#shared/registry/jwks.js'
import { carriesSecrets } from '../client/exchange-client.js'
import type { ParticipantKey } from '../client/request-token.js'
import { CommandError, usageError } from './command-error.js'
import { commandErrorOf } from './exchange-refusal.js'
import { readPublicJwks } from './jwks-file.js'
import { loadParticipantKey } from './key-file.js'
import { formatTable } from './table.js'

/** Where a command writes: results to `print` (stdout), complaints and progress to stderr. */
export type CommandIo = {
  print: (line: string) => void
  error: (line: string) => void
  /** stderr when it is a terminal, for progress drawn in place; absent when stderr is a file or pipe. */
  terminal?: { columns: number; write: (text: string) => void }
}

/** The environment a command may read (`process.env`, or a plain object in tests). */
export type Env = Readonly<Record<string, string | undefined>>

/** What a command answers: its exit status, the result for scripts (`--json`) and the lines for people. */
export type Outcome = { status?: number; result: unknown; lines: readonly string[] }

/**
 * Where a network command talks, who it signs as, and what it trusts: the exchange id and signing
 * keys it was given apart from the exchange, when it was.
 */
export type Connection = {
  baseUrl: string
  key: ParticipantKey
  exchangeId?: string
  trustedKeys?: PublicJwks
}

const commonOptions = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const

const connectionOptions = {
  exchange: { type: 'string' },
  participant: { type: 'string' },
  key: { type: 'string' },
  'exchange-id': { type: 'string' },
  'exchange-keys': { type: 'string' },
} as const

/** The exchange a network command talks to when neither `--exchange` nor `EXCHANGE_URL` names one. */
export const defaultExchangeUrl = 'http://127.0.0.1:3000'

const connectionHelp = [
  `  --exchange <url>    the exchange (env EXCHANGE_URL, default ${defaultExchangeUrl})`,
  '  --participant <id>  the participant you act for (env EXCHANGE_PARTICIPANT)',
  '  --key <file>        its private JWK, mode 0600 (env EXCHANGE_KEY)',
  '  --exchange-id <id>  refuse an exchange with another id (env EXCHANGE_ID)',
  "  --exchange-keys <f> trust only these exchange signing keys (its operator's published JWKS, obtained",
  '                      apart from the exchange; env EXCHANGE_KEYS); else the keys it serves',
]

const commonHelp = [
  '  --json              print the result as one JSON document on stdout',
  '  -h, --help          print this help',
]

/** The options a command may declare, as `node:util` parseArgs takes them. */
type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>

type Values<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O & typeof commonOptions; allowPositionals: true }>
>['values']

/** What the framework hands a command: its parsed options and arguments, and where to write. */
export type CommandContext<O extends ParseArgsOptionsConfig> = {
  values: Values<O>
  positionals: readonly string[]
  json: boolean
  io: CommandIo
  env: Env
}

type CommandBase<O extends ParseArgsOptionsConfig> = {
  /** One line, listed by `exchange --help` and `exchange <group> --help`. */
  summary: string
  /** The help after `usage: `, starting with the synopsis `exchange <group> <command> …`. */
  usage: string
  /** `node:util` parseArgs options; `--json` and `--help` are added to every command. */
  options: O
  /** The names of the positional arguments, all required, in order. */
  positionals?: readonly string[]
}

/**
 * One command as data. A network command (`connects: true`) also takes `--exchange`,
 * `--participant` and `--key`, and gets the loaded key before it runs.
 */
export type Command<O extends ParseArgsOptionsConfig = ParseArgsOptionsConfig> = CommandBase<O> &
  (
    | { connects?: false; run: (context: CommandContext<O>) => Promise<Outcome> }
    | { connects: true; run: (context: CommandContext<O> & { connection: Connection }) => Promise<Outcome> }
  )

/** Declares a command with its option types inferred from its `options`. */
export const defineCommand = <const O extends ParseArgsOptionsConfig>(command: Command<O>): Command =>
  command as unknown as Command

/** The command table: groups of named commands (`exchange <group> <command>`). */
export type Commands = Readonly<Record<string, Readonly<Record<string, Command>>>>

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim()

const listing = (commands: Commands, only?: string) =>
  formatTable(
    [{}, {}],
    Object.entries(commands)
      .filter(([group]) => only === undefined || group === only)
      .flatMap(([group, list]) =>
        Object.entries(list).map(([name, command]) => [`  ${group} ${name}`, command.summary]),
      ),
  )

const mainHelp = (commands: Commands) =>
  [
    'usage: exchange <group> <command> [arguments] [--json]',
    '',
    ...listing(commands),
    '',
    '`exchange <group> <command> --help` explains one command. Commands that call the exchange also take:',
    ...connectionHelp,
    'Exit status: 0 done, 1 failed (one line on stderr), 2 unusable command line. EXCHANGE_DEBUG=1 adds stack traces.',
  ].join('\n')

const commandHelp = (command: Command) =>
  [`usage: ${command.usage}`, '', ...(command.connects === true ? connectionHelp : []), ...commonHelp].join(
    '\n',
  )

/** The participant `--participant` names, else `EXCHANGE_PARTICIPANT`: a usage error when neither is a valid id. */
export const participantOf = (option: string | undefined, env: Env): string => {
  const participant = option ?? env.EXCHANGE_PARTICIPANT
  if (participant === undefined)
    throw usageError('no-participant', 'no participant: pass --participant <id> or set EXCHANGE_PARTICIPANT')
  const checked = ParticipantId.safeParse(participant)
  if (!checked.success)
    throw usageError(
      'bad-participant',
      `the participant id ${checked.error.issues[0]?.message ?? 'is not valid'}`,
    )
  return participant
}

/** The connection options, else the environment, else the defaults; the key file is checked here. */
const connect = async (values: Record<string, unknown>, env: Env): Promise<Connection> => {
  const option = (name: keyof typeof connectionOptions) => {
    const value = values[name]
    return typeof value === 'string' ? value : undefined
  }
  const baseUrl = option('exchange') ?? env.EXCHANGE_URL ?? defaultExchangeUrl
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol))
    throw usageError('bad-exchange-url', `the exchange URL ${JSON.stringify(baseUrl)} is not an http(s) URL`)
  if (!carriesSecrets(new URL(baseUrl)))
    throw usageError(
      'insecure-exchange-url',
      `${baseUrl} is plain http to another machine: your tokens and applicants' data would cross the network readable; use https`,
    )
  const participant = participantOf(option('participant'), env)
  const keyFile = option('key') ?? env.EXCHANGE_KEY
  if (keyFile === undefined)
    throw usageError('no-key', 'no private key: pass --key <file> or set EXCHANGE_KEY')
  const exchangeId = option('exchange-id') ?? env.EXCHANGE_ID
  const keysFile = option('exchange-keys') ?? env.EXCHANGE_KEYS
  return {
    baseUrl,
    key: await loadParticipantKey(keyFile, participant),
    ...(exchangeId === undefined ? {} : { exchangeId }),
    ...(keysFile === undefined ? {} : { trustedKeys: await readPublicJwks(keysFile) }),
  }
}

/** Parses `args` for `command`; a parse failure is a usage error naming the command's help. */
const parseFor = (command: Command, args: readonly string[]) => {
  try {
    return parseArgs({
      args: [...args],
      options: {
        ...command.options,
        ...commonOptions,
        ...(command.connects === true ? connectionOptions : {}),
      },
      allowPositionals: true,
    })
  } catch (error) {
    // node's messages go on with advice about `--`; the first sentence says what is wrong.
    const message = error instanceof Error ? error.message.replace(/\. .*$/s, '') : String(error)
    throw usageError('bad-arguments', message)
  }
}

/** Every positional argument the command names, and no more. */
const checkPositionals = (command: Command, positionals: readonly string[]) => {
  const expected = command.positionals ?? []
  if (positionals.length === expected.length) return
  throw usageError(
    'bad-arguments',
    expected.length === 0
      ? `unexpected argument ${JSON.stringify(positionals[0])}`
      : `expects ${expected.map((name) => `<${name}>`).join(' ')}`,
  )
}

/** Why an unexpected error happened, in one line: its message and its causes' (fetch hides the reason there). */
export const explain = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error)
  return error.cause === undefined ? error.message : `${error.message}: ${explain(error.cause)}`
}

/**
 * Runs the command `argv` names from `commands` and answers the exit status. Results go to stdout
 * (one JSON document with `--json`); a failure is one line on stderr (and one JSON line on stdout
 * with `--json`), never a stack trace unless `EXCHANGE_DEBUG=1`.
 */
export const runCommand = async (
  commands: Commands,
  argv: readonly string[],
  io: CommandIo,
  env: Env,
): Promise<number> => {
  const [group, name, ...rest] = argv
  const wantsJson = argv.includes('--json')
  let hint = 'exchange --help'
  try {
    if (group === '--help' || group === '-h') {
      io.print(mainHelp(commands))
      return 0
    }
    if (group === undefined) throw usageError('no-command', 'no command given')
    const list = commands[group]
    if (list === undefined) throw usageError('unknown-command', `unknown command ${JSON.stringify(group)}`)
    hint = `exchange ${group} --help`
    if (name === '--help' || name === '-h') {
      io.print(
        [`usage: exchange ${group} <command> [arguments] [--json]`, '', ...listing(commands, group)].join(
          '\n',
        ),
      )
      return 0
    }
    const command = name === undefined ? undefined : list[name]
    if (command === undefined)
      throw usageError(
        'unknown-command',
        name === undefined
          ? `${group} needs a command`
          : `unknown command ${JSON.stringify(`${group} ${name}`)}`,
      )
    hint = `exchange ${group} ${name} --help`
    const { values, positionals } = parseFor(command, rest)
    if (values.help === true) {
      io.print(commandHelp(command))
      return 0
    }
    checkPositionals(command, positionals)
    const context = { values, positionals, json: values.json === true, io, env }
    const outcome =
      command.connects === true
        ? await command.run({ ...context, connection: await connect(values, env) })
        : await command.run(context)
    // A command that streamed its results as it went (one JSON line each) leaves `result` undefined.
    if (!context.json) for (const line of outcome.lines) io.print(line)
    else if (outcome.result !== undefined) io.print(JSON.stringify(outcome.result, null, 2))
    return outcome.status ?? 0
  } catch (error) {
    if (env.EXCHANGE_DEBUG === '1' && error instanceof Error) io.error(error.stack ?? error.message)
    const explained = commandErrorOf(error)
    const refusal = explained instanceof CommandError ? explained : undefined
    const message = oneLine(refusal?.message ?? explain(error))
    io.error(`exchange: ${message}${refusal?.usage === true ? ` (see ${hint})` : ''}`)
    // One line, so that it also ends the JSON lines a streaming command (inbox watch) printed before.
    if (wantsJson)
      io.print(JSON.stringify({ error: { code: refusal?.code ?? 'failed', message, ...refusal?.details } }))
    return refusal?.status ?? 1
  }
}
