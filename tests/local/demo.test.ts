import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { parseConfig } from '#functions/config.js'
import { caseDependencies } from '#functions/dependencies/cases.js'
import { cast } from '#local/demo/stories.js'
import { superviseDeadlines } from '#shared/cases/supervise-deadlines.js'

const exchange = inject('exchange')
const scratch = await mkdtemp(join(tmpdir(), 'exchange-demo-'))
afterAll(() => rm(scratch, { recursive: true, force: true }))

/** Runs `npm run demo`'s entry point as a newcomer would, collecting what it prints. */
const demo = (env: Record<string, string>) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/demo.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  return { child, stdout: () => stdout, stderr: () => stderr }
}

const exitCode = async (child: ChildProcess) => {
  if (child.exitCode !== null) return child.exitCode
  const [code] = await once(child, 'exit')
  return code as number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('npm run demo', () => {
  it('plays the four stories against a running exchange, seeding it first', async () => {
    // The test exchange keeps its state in a temporary directory and holds no admin key file:
    // the demo gets the admin's key and a directory for the participants' keys of its own.
    const dataDir = join(scratch, 'data')
    await mkdir(dataDir)
    const adminKey = join(scratch, 'admin-private-jwk.json')
    await writeFile(adminKey, JSON.stringify(exchange.adminJwk), { mode: 0o600 })
    const run = demo({
      EXCHANGE_URL: exchange.url,
      EXCHANGE_DATA_DIR: dataDir,
      EXCHANGE_ADMIN_KEY: adminKey,
      EXCHANGE_DEMO_SWEEP_WAIT: '60',
    })

    // The test exchange runs no timer (tick 0). While the demo waits for the supervision sweep,
    // the test plays the timer's part: it runs the sweep the job handler runs, on the same stores,
    // but only over the demo's legs (its homes are the seeded xian-* and nanjing), never over the
    // legs other test files on this shared exchange sweep at instants of their own.
    const { supervise: job } = caseDependencies(parseConfig(exchange.env))
    const supervise: typeof job = {
      ...job,
      deadlines: {
        dueBy: async (cutoff, page) => {
          const due = await job.deadlines.dueBy(cutoff, page)
          return { ...due, legs: due.legs.filter((leg) => (cast as readonly string[]).includes(leg.home)) }
        },
      },
    }
    const exited = exitCode(run.child)
    let done = false
    void exited.then(() => {
      done = true
    })
    while (!done && !run.stdout().includes('Waiting for the supervision sweep')) await sleep(100)
    while (!done) {
      await superviseDeadlines(supervise)
      await sleep(500)
    }

    expect({ code: await exited, stderr: run.stderr() }).toMatchObject({ code: 0 })
    const output = run.stdout()
    expect(output).toMatch(/Seeded the demo data as admin/)
    expect(output).toMatch(/Story 1 · Proxy collection with remote intake approval/)
    expect(output).toMatch(/the notice \(exchange-notice\+jwt\), verified against \/\.well-known\/jwks\.json/)
    expect(output).toMatch(/xian-qujiang: delivered v5/)
    expect(output).toMatch(/Story 2 · Joint processing across three districts/)
    expect(output).toMatch(
      /xian-xincheng +delivered v4\n.*xian-beilin +delivered v4 \(rejected: .*\n.*xian-lianhu +supplement-requested v2/,
    )
    expect(output).toMatch(/Story 3 · A supplement round/)
    expect(output).toMatch(/deadline after resuming: /)
    expect(output).toMatch(/Story 4 · Time limits and the supervision sweep/)
    expect(output).toMatch(/warning true, overdue false/)
    expect(output.match(/case\.deadline-warning +xian-weiyang v3/g)).toHaveLength(2)
    expect(output).toMatch(/All four stories played/)
  }, 180_000)

  it('says in one line that no exchange is running, and fails', async () => {
    const server = createServer().listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as { port: number }
    await new Promise((done) => server.close(done))
    const run = demo({ EXCHANGE_URL: `http://127.0.0.1:${port}`, EXCHANGE_DATA_DIR: join(scratch, 'none') })
    expect(await exitCode(run.child)).toBe(1)
    expect(run.stdout()).toBe('')
    const lines = run.stderr().trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^No exchange is running at http:\/\/127\.0\.0\.1:\d+ .*npm start/)
  })
})
