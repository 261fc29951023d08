import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const scratch = await mkdtemp(join(tmpdir(), 'exchange-start-'))
afterAll(() => rm(scratch, { recursive: true, force: true }))

/** Runs `npm start`'s entry point as a newcomer would, collecting what it prints. */
const start = (env: Record<string, string>) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, EXCHANGE_DATA_DIR: join(scratch, `data-${Math.random()}`), PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  return { child, output: () => output }
}

const exitCode = async (child: ChildProcess) => {
  if (child.exitCode !== null) return child.exitCode
  const [code] = await once(child, 'exit')
  return code as number
}

/** The URL a started exchange prints once it listens. */
const listening = (run: ReturnType<typeof start>) =>
  new Promise<string>((resolve, reject) => {
    run.child.stdout?.on('data', () => {
      const found = /listening on (http:\/\/\S+)/.exec(run.output())
      if (found?.[1] !== undefined) resolve(found[1])
    })
    run.child.once('exit', () => reject(new Error(run.output())))
  })

const withoutSdkNotice = (output: string) =>
  output
    .split('\n')
    .filter(
      (line) =>
        line.trim() !== '' &&
        !/AWS SDK|node >=22|upgrade|a\.co|NodeVersionSupportWarning|trace-warnings|security updates|first week/i.test(
          line,
        ),
    )

describe('npm start', () => {
  it('refuses to start without Java, in one line', async () => {
    const bin = join(scratch, 'bin-without-java')
    await rm(bin, { recursive: true, force: true })
    await import('node:fs/promises').then((fs) => fs.mkdir(bin))
    await symlink(process.execPath, join(bin, 'node'))
    const run = start({ PATH: bin })
    expect(await exitCode(run.child)).toBe(1)
    const lines = withoutSdkNotice(run.output())
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^Java was not found\. .*Java 17/)
  })

  it('refuses a bad setting at start-up, naming it', async () => {
    const run = start({
      EXCHANGE_ADMIN_JWKS: JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'x' }] }),
    })
    expect(await exitCode(run.child)).toBe(1)
    expect(withoutSdkNotice(run.output()).join('\n')).toMatch(/EXCHANGE_ADMIN_JWKS/)
  })

  it('starts again on the data directory of an earlier run, keeping its state', async () => {
    const dataDir = join(scratch, 'restarted')
    const first = start({ EXCHANGE_DATA_DIR: dataDir })
    const firstUrl = await listening(first)
    const jwks = await fetch(`${firstUrl}/.well-known/jwks.json`).then((r) => r.text())
    first.child.kill('SIGINT')
    expect(await exitCode(first.child)).toBe(0)
    const second = start({ EXCHANGE_DATA_DIR: dataDir })
    const secondUrl = await listening(second)
    expect(await fetch(`${secondUrl}/.well-known/jwks.json`).then((r) => r.text())).toBe(jwks)
    second.child.kill('SIGINT')
    expect(await exitCode(second.child)).toBe(0)
  }, 120_000)

  it('serves the API and stops every store it started on SIGINT', async () => {
    const run = start({})
    const url = await listening(run)
    const health = await fetch(`${url}/v1/health`)
    expect(health.status).toBe(200)
    const jwks = (await fetch(`${url}/.well-known/jwks.json`).then((r) => r.json())) as { keys: unknown[] }
    expect(jwks.keys).toHaveLength(1)
    const children = await import('node:child_process').then(({ execSync }) =>
      execSync(`pgrep -P ${run.child.pid} -f 'DynamoDBLocal|s3rver' || true`)
        .toString()
        .trim()
        .split('\n')
        .filter(Boolean),
    )
    expect(children).toHaveLength(2)
    run.child.kill('SIGINT')
    expect(await exitCode(run.child)).toBe(0)
    for (const pid of children) expect(() => process.kill(Number(pid), 0)).toThrow()
  }, 90_000)
})
