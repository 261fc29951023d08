import { once } from 'node:events'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseConfig } from '#functions/config.js'
import { s3Client } from '#functions/dependencies/s3.js'
import { dynamodbClient } from '#functions/dependencies/stores.js'
import { handlerSource } from '#functions/handlers.js'
import { jobs } from '#functions/jobs/jobs.js'
import { buckets, tables } from '#functions/storage-layout.js'
import { createGateway } from './gateway.js'
import { ensurePrivateJwk, ensureSecretKey, publicJwkOf } from './keys.js'
import { type LocalStore, localNames, provision, startDynamoDbLocal, startS3rver } from './stores.js'

export type LocalExchangeOptions = {
  /** Where state persists; without one, everything lives in memory and a temporary directory. */
  dataDir?: string
  port?: number
  exchangeId?: string
  /** The admin's public JWKS (JSON text); without it a key pair is created under the data directory. */
  adminJwks?: string
  /** How often the scheduled jobs run (EventBridge's part on AWS); 0 runs them never. */
  tickSeconds?: number
}

export type LocalExchange = {
  url: string
  /** The environment the handlers run with (table names, endpoints, keys). */
  env: Record<string, string>
  /** The private key file of `admin`, when the local stack created it. */
  adminKeyPath: string | undefined
  stop: () => Promise<void>
}

/**
 * Runs every job's handler each `seconds`, as EventBridge would, one run at a time: a tick that
 * finds the last run still going skips. A failed run is logged and the next tick retries.
 */
const startJobTimer = (seconds: number) => {
  let running: Promise<void> | undefined
  const runJobs = async () => {
    for (const job of jobs) {
      const { handler } = (await import(/* @vite-ignore */ handlerSource(job.handler).href)) as {
        handler: () => Promise<unknown>
      }
      await handler().catch((error: unknown) => console.error(`job ${job.handler} failed`, error))
    }
  }
  const interval =
    seconds > 0
      ? setInterval(() => {
          running ??= runJobs().finally(() => {
            running = undefined
          })
        }, seconds * 1000)
      : undefined
  return {
    stop: async () => {
      clearInterval(interval)
      await running
    },
  }
}

/**
 * Starts the whole exchange on loopback: DynamoDB Local and s3rver on free ports, the layout's
 * tables and buckets, the exchange's signing key file, and the local gateway in front of the very
 * handler modules the Lambdas run. Stopping it stops every child process.
 */
export const startLocalExchange = async (options: LocalExchangeOptions = {}): Promise<LocalExchange> => {
  const scratch = options.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'exchange-')) : undefined
  const dataDir = resolve(options.dataDir ?? scratch ?? '.')
  await mkdir(dataDir, { recursive: true })
  const started: LocalStore[] = []
  const stopAll = async () => {
    await Promise.all(started.map((store) => store.stop()))
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true })
  }
  try {
    const [dynamodb, s3] = await Promise.all([
      startDynamoDbLocal(scratch === undefined ? { directory: join(dataDir, 'dynamodb') } : {}),
      startS3rver(join(dataDir, 's3')),
    ])
    started.push(dynamodb, s3)
    const signingKeyPath = join(dataDir, 'exchange-signing-key.json')
    await ensurePrivateJwk(signingKeyPath)
    const dataKeyPath = join(dataDir, 'personal-data-key')
    await ensureSecretKey(dataKeyPath)
    const adminKeyPath = options.adminJwks === undefined ? join(dataDir, 'admin-private-jwk.json') : undefined
    const adminJwks =
      options.adminJwks ??
      JSON.stringify({ keys: [publicJwkOf(await ensurePrivateJwk(adminKeyPath ?? '', 'ES256'))] })
    const env: Record<string, string> = {
      EXCHANGE_ID: options.exchangeId ?? 'exchange-local',
      EXCHANGE_ADMIN_JWKS: adminJwks,
      EXCHANGE_SIGNING_KEY: `file:${signingKeyPath}`,
      EXCHANGE_DATA_KEY: `file:${dataKeyPath}`,
      AWS_REGION: 'cn-northwest-1',
      DYNAMODB_ENDPOINT: dynamodb.endpoint,
      S3_ENDPOINT: s3.endpoint,
      ...Object.fromEntries(
        Object.entries(tables).map(([key, t]) => [t.env, localNames.tables[key as keyof typeof tables]]),
      ),
      ...Object.fromEntries(
        Object.entries(buckets).map(([key, b]) => [b.env, localNames.buckets[key as keyof typeof buckets]]),
      ),
    }
    const settings = parseConfig(env)
    await provision(dynamodbClient(settings), s3Client(settings))
    // The handler modules read their configuration from the environment, as they do on Lambda.
    Object.assign(process.env, env)
    const server = createGateway((module) => import(/* @vite-ignore */ handlerSource(module).href))
    server.listen(options.port ?? 0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    const timer = startJobTimer(options.tickSeconds ?? 0)
    return {
      url: `http://127.0.0.1:${port}`,
      env,
      adminKeyPath,
      stop: async () => {
        await timer.stop()
        server.closeAllConnections()
        await new Promise((done) => server.close(done))
        await stopAll()
      },
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}
