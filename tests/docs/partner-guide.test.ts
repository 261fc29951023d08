import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exchangeBin, repoRoot } from '../cli/run-exchange.js'
import { checkpointEverything } from '../support/audit-checkpoints.js'
import { scratchFolder } from '../support/cli-partners.js'
import { exchange } from '../support/exchange-client.js'

/** The guide's fenced blocks, in order: shell blocks with their terminal, YAML blocks with their file. */
const blocksOf = (markdown: string) =>
  [...markdown.matchAll(/^```(\w+)(?: (\w+))?\n([\s\S]*?)^```$/gm)].map(
    ([, language, terminal, body = '']) => ({
      language,
      terminal,
      body,
      file: /^# file: (\S+)\n/.exec(body)?.[1],
    }),
  )

/**
 * One terminal of the guide: a bash that keeps its working folder and variables from block to block,
 * stops at the first failing command, and runs `npx exchange` as the bin `npm ci` links.
 */
const terminal = (checkout: string) => {
  const shell: ChildProcessWithoutNullStreams = spawn('bash', ['--norc', '--noprofile'], {
    cwd: checkout,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      EXCHANGE_URL: exchange.url,
      EXCHANGE_BIN: exchangeBin,
    },
  })
  let output = ''
  shell.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
  })
  shell.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8')
  })
  shell.stdin.write('set -eo pipefail\n')
  shell.stdin.write(
    'npx() { if [ "$1" = exchange ]; then shift; "$EXCHANGE_BIN" "$@"; else command npx "$@"; fi; }\n',
  )
  const run = (script: string) =>
    new Promise<string>((resolve, reject) => {
      const start = output.length
      const sentinel = `__block_done_${Math.random().toString(36).slice(2)}__`
      const check = () => {
        const end = output.indexOf(sentinel, start)
        if (end >= 0) {
          shell.stdout.off('data', check)
          shell.off('exit', exited)
          resolve(output.slice(start, end))
        }
      }
      const exited = (code: number) =>
        reject(new Error(`the block failed (exit ${code}):\n${script}\n---\n${output.slice(start)}`))
      shell.stdout.on('data', check)
      shell.once('exit', exited)
      shell.stdin.write(`${script}\necho ${sentinel}\n`)
    })
  return { run, close: () => shell.kill() }
}

describe('docs/partner-guide.md', () => {
  let checkout: string
  beforeAll(async () => {
    checkout = await scratchFolder('exchange-guide')
    await mkdir(join(checkout, '.local'))
    await writeFile(join(checkout, '.local', 'admin-private-jwk.json'), JSON.stringify(exchange.adminJwk), {
      mode: 0o600,
    })
  })
  afterAll(() => rm(checkout, { recursive: true, force: true }))

  it('takes a newcomer from key generation to a delivered case and a verified log, as written', async () => {
    const blocks = blocksOf(await readFile(join(repoRoot, 'docs/partner-guide.md'), 'utf8'))
    const terminals = new Map<string, ReturnType<typeof terminal>>()
    const transcript: string[] = []
    try {
      for (const block of blocks) {
        if (block.language === 'yaml' && block.file !== undefined) {
          await mkdir(dirname(join(checkout, block.file)), { recursive: true })
          await writeFile(join(checkout, block.file), block.body)
        }
        // The server terminal is `npm ci` and `npm start`: the test suite runs its own exchange.
        if (block.language !== 'sh' || block.terminal === undefined || block.terminal === 'server') continue
        // `npm start` checkpoints the log every tick; the suite's exchange does when a test asks.
        if (block.body.includes('audit export')) await checkpointEverything()
        const shell = terminals.get(block.terminal) ?? terminal(checkout)
        terminals.set(block.terminal, shell)
        transcript.push(await shell.run(block.body))
      }
    } finally {
      for (const shell of terminals.values()) shell.close()
    }
    expect([...terminals.keys()]).toEqual(['window', 'home'])
    const all = transcript.join('')
    expect(all).toContain('signed request accepted: you are baoji-weibin')
    expect(all).toMatch(/submitted case case-\S+ \(QD-2026-0001\): 2 documents/)
    expect(all).toMatch(/approve: leg baoji-weibin of case-\S+ is approved, version 4/)
    expect(all).toMatch(/deliver: leg baoji-weibin of case-\S+ is delivered, version 5/)
    expect(all).toMatch(/^valid: whole export of /m)
    expect(all).not.toMatch(/^exported 0 events/m)
  }, 300_000)
})
