import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CommandIo,
  type Commands,
  defaultExchangeUrl,
  defineCommand,
  type Env,
  runCommand,
} from '../../cli/command.js'
import { CommandError } from '../../cli/command-error.js'
import { commands } from '../../cli/commands.js'
import { newSigningKey } from '../support/signing-keys.js'
import { exchangeInProcess as exchange } from './run-exchange.js'

/** A network command that answers what the framework handed it. */
const probe = defineCommand({
  summary: 'answer the connection',
  usage: 'exchange net probe',
  options: {},
  connects: true,
  run: async ({ connection }) => ({
    result: {
      baseUrl: connection.baseUrl,
      participant: connection.key.participant,
      kid: connection.key.jwk.kid,
    },
    lines: [],
  }),
})

/** A command failing the way a network call does: an error whose cause says why. */
const broken = defineCommand({
  summary: 'fail unexpectedly',
  usage: 'exchange net broken',
  options: {},
  run: async () => {
    throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:3000') })
  },
})

/** A command that prints its results as it goes (one JSON line each with --json, as inbox watch does), then fails. */
const streaming = defineCommand({
  summary: 'stream a result, then fail',
  usage: 'exchange net streaming',
  options: {},
  run: async ({ io }) => {
    io.print(JSON.stringify({ message: 1 }))
    throw new CommandError('connection-lost', 'the connection was lost')
  },
})

const testCommands: Commands = { net: { probe, broken, streaming } }

const runTest = async (argv: readonly string[], env: Env = {}) => {
  const stdout: string[] = []
  const stderr: string[] = []
  const io: CommandIo = { print: (line) => stdout.push(line), error: (line) => stderr.push(line) }
  return { code: await runCommand(testCommands, argv, io, env), stdout, stderr }
}

describe('exchange help', () => {
  const table = Object.entries(commands).flatMap(([group, list]) =>
    Object.entries(list).map(([name, command]) => ({ group, name, command })),
  )

  it.each(table)(
    'explains $group $name and every one of its options, and exits 0',
    async ({ group, name, command }) => {
      const run = await exchange([group, name, '--help'])
      expect(run.code).toBe(0)
      expect(run.stderr).toEqual([])
      expect(run.stdout).toMatch(new RegExp(`^usage: exchange ${group} ${name}\\b`))
      for (const option of [...Object.keys(command.options), 'json', 'help'])
        expect(run.stdout).toContain(`--${option}`)
      for (const positional of command.positionals ?? []) expect(run.stdout).toContain(`<${positional}>`)
    },
  )

  it('lists every command with its summary, and each group its own', async () => {
    const all = await exchange(['--help'])
    expect(all.code).toBe(0)
    for (const { group, name, command } of table) {
      const line = all.stdout.split('\n').find((candidate) => candidate.startsWith(`  ${group} ${name} `))
      expect(line?.endsWith(` ${command.summary}`)).toBe(true)
      const listed = await exchange([group, '-h'])
      expect(listed.code).toBe(0)
      expect(listed.stdout).toContain(`${group} ${name}`)
    }
  })
})

describe('exchange usage errors', () => {
  it.each([
    [['nope'], 'unknown-command', 'exchange --help'],
    [['keys'], 'unknown-command', 'exchange keys --help'],
    [['keys', 'nope'], 'unknown-command', 'exchange keys --help'],
    [['keys', 'generate', '--colour'], 'bad-arguments', 'exchange keys generate --help'],
    [['keys', 'generate', 'extra'], 'bad-arguments', 'exchange keys generate --help'],
    [['audit', 'verify'], 'bad-arguments', 'exchange audit verify --help'],
  ])('exits 2 for %j with one line pointing at the help', async (argv, code, help) => {
    const run = await exchange([...argv, '--json'])
    expect(run.code).toBe(2)
    expect(run.stderr).toEqual([expect.stringMatching(new RegExp(`^exchange: .* \\(see ${help}\\)$`))])
    expect(JSON.parse(run.stdout).error.code).toBe(code)
  })

  it('exits 2 when no command is given', async () => {
    const run = await exchange([])
    expect(run.code).toBe(2)
    expect(run.stderr).toEqual(['exchange: no command given (see exchange --help)'])
  })

  it('writes nothing on stdout for a failure without --json', async () => {
    const run = await exchange(['keys', 'nope'])
    expect(run.stdout).toBe('')
    expect(run.stderr).toHaveLength(1)
  })
})

describe('exchange connection options', () => {
  let scratch: string
  let keyFile: string
  let kid: string | undefined
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'exchange-connection-'))
    const { privateJwk } = await newSigningKey()
    kid = privateJwk.kid
    keyFile = join(scratch, 'key.json')
    await writeFile(keyFile, JSON.stringify(privateJwk), { mode: 0o600 })
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('takes the environment, with the default exchange URL', async () => {
    const run = await runTest(['net', 'probe', '--json'], {
      EXCHANGE_PARTICIPANT: 'xian-gaoxin',
      EXCHANGE_KEY: keyFile,
    })
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout.join('\n'))).toEqual({
      baseUrl: defaultExchangeUrl,
      participant: 'xian-gaoxin',
      kid,
    })
  })

  it('prefers the options to the environment', async () => {
    const run = await runTest(
      [
        'net',
        'probe',
        '--json',
        '--exchange',
        'https://exchange.example',
        '--participant',
        'nanjing',
        '--key',
        keyFile,
      ],
      {
        EXCHANGE_URL: 'http://127.0.0.1:9',
        EXCHANGE_PARTICIPANT: 'xian-gaoxin',
        EXCHANGE_KEY: 'elsewhere.json',
      },
    )
    expect(JSON.parse(run.stdout.join('\n'))).toEqual({
      baseUrl: 'https://exchange.example',
      participant: 'nanjing',
      kid,
    })
  })

  it.each([
    [['--key', 'k.json'], {}, 'no-participant'],
    [['--participant', 'xian-gaoxin'], {}, 'no-key'],
    [['--participant', 'Xian', '--key', 'k.json'], {}, 'bad-participant'],
    [
      ['--exchange', 'ftp://exchange.example'],
      { EXCHANGE_PARTICIPANT: 'xian-gaoxin', EXCHANGE_KEY: 'k.json' },
      'bad-exchange-url',
    ],
  ])('exits 2 when %j leaves the connection unusable', async (argv, env, code) => {
    const run = await runTest(['net', 'probe', '--json', ...argv], env)
    expect(run.code).toBe(2)
    expect(JSON.parse(run.stdout.join('\n')).error.code).toBe(code)
  })

  it('exits 1 before running when the key file is refused', async () => {
    await chmod(keyFile, 0o640)
    const run = await runTest(['net', 'probe', '--json', '--participant', 'xian-gaoxin', '--key', keyFile])
    await chmod(keyFile, 0o600)
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout.join('\n')).error.code).toBe('key-file-permissions')
  })
})

describe('exchange unexpected failures', () => {
  it('are one line with their cause, and exit 1', async () => {
    const run = await runTest(['net', 'broken'])
    expect(run.code).toBe(1)
    expect(run.stderr).toEqual(['exchange: fetch failed: connect ECONNREFUSED 127.0.0.1:3000'])
  })

  it('keep stdout one JSON document a line with --json, after lines a command printed as it went', async () => {
    const run = await runTest(['net', 'streaming', '--json'])
    expect(run.code).toBe(1)
    const lines = run.stdout.join('\n').split('\n')
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { message: 1 },
      { error: { code: 'connection-lost', message: 'the connection was lost' } },
    ])
  })

  it('show their stack trace only with EXCHANGE_DEBUG=1', async () => {
    const run = await runTest(['net', 'broken'], { EXCHANGE_DEBUG: '1' })
    expect(run.stderr).toHaveLength(2)
    expect(run.stderr[0]).toMatch(/^TypeError: fetch failed\n\s+at /)
  })
})
