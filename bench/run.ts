/** `npm run bench`: every benchmark, each next to its same-run baseline, printed as Markdown. */
import { mkdir, mkdtemp, rm, rmdir } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseConfig } from '#functions/config.js'
import { s3Client } from '#functions/dependencies/s3.js'
import { dynamodbClient } from '#functions/dependencies/stores.js'
import { buckets, tables } from '#functions/storage-layout.js'
import { startLocalExchange } from '#local/exchange.js'
import { ensurePrivateJwk, newPrivateJwk, publicJwkOf } from '#local/keys.js'
import { eventsQueryDepth, largeLogEvents, offlineVerification } from './audit.js'
import { authenticationCost, authenticationWithDynamoDb } from './authentication.js'
import {
  buildFunctionBundles,
  buildReference,
  bundleSizes,
  dynamoDbClientSource,
  getItemSource,
} from './bundles.js'
import { handoffCapacity } from './capacity.js'
import { handoffCycle } from './handoff.js'
import { importTimes } from './import-time.js'
import { inboxDepth } from './inbox-depth.js'
import { figure, type Goal, render, type Section, verdict } from './report.js'
import { recordStoreCalls } from './store-calls.js'
import { submitHandlerCpu } from './submit-cpu.js'

const repoRoot = fileURLToPath(new URL('..', import.meta.url))

/** Inside the repository so that the bundles' external `@aws-sdk/*` imports resolve from node_modules. */
const cacheDir = join(repoRoot, 'node_modules', '.cache')
const workDir = join(cacheDir, 'exchange-bench', `run-${process.pid}`)

/**
 * The functions run on Node 22, where the AWS SDK has nothing to warn about; on an older local Node
 * its warning would only clutter the report (and the import times of the child processes).
 */
const quietSdk = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }
Object.assign(process.env, quietSdk)

const cleanups: (() => Promise<unknown>)[] = []

const cleanUp = async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup().catch((error: unknown) => console.error('clean-up failed:', error))
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(130))
  })
}

const runStarted = performance.now()

/** The 1-minute load average: on a shared machine, the context every figure needs. */
const load = () => (loadavg()[0] ?? 0).toFixed(1)

/** A progress line on stderr, with the seconds since the run started. */
const progress = (message: string) =>
  process.stderr.write(`[${((performance.now() - runStarted) / 1000).toFixed(0).padStart(3)} s] ${message}\n`)

/** What a handler module reads from the environment at load, as on Lambda (no local endpoints). */
const handlerEnvironment = async (scratch: string): Promise<Record<string, string>> => {
  const signingKey = join(scratch, 'exchange-signing-key.json')
  await ensurePrivateJwk(signingKey)
  return {
    PATH: process.env.PATH ?? '',
    ...quietSdk,
    EXCHANGE_ADMIN_JWKS: JSON.stringify({ keys: [publicJwkOf(await newPrivateJwk('ES256'))] }),
    EXCHANGE_SIGNING_KEY: `file:${signingKey}`,
    EXCHANGE_DATA_KEY: `file:${join(scratch, 'personal-data-key')}`,
    AWS_REGION: 'cn-northwest-1',
    ...Object.fromEntries(
      Object.values(tables).map((table) => [table.env, `bench-${table.env.toLowerCase()}`]),
    ),
    ...Object.fromEntries(
      Object.values(buckets).map((bucket) => [bucket.env, `bench-${bucket.env.toLowerCase()}`]),
    ),
  }
}

/** The benchmarks `npm run bench -- <name>…` can select; without names, all of them run. */
const benchmarkNames = [
  'authentication',
  'bundles',
  'imports',
  'submit',
  'handoff',
  'inbox',
  'audit',
] as const
type BenchmarkName = (typeof benchmarkNames)[number]

/** The selected benchmarks, from the command line; `capacity` is part of `handoff`, whose cycles it counts. */
const selected = (args: readonly string[]): Set<BenchmarkName> => {
  const names = args.map((arg) => (arg === 'capacity' ? 'handoff' : arg))
  const unknown = names.filter((name) => !(benchmarkNames as readonly string[]).includes(name))
  if (unknown.length > 0) {
    throw new Error(
      `Unknown benchmark ${unknown.join(', ')}: choose from ${benchmarkNames.join(', ')}, capacity.`,
    )
  }
  return new Set(names.length === 0 ? benchmarkNames : (names as BenchmarkName[]))
}

const main = async () => {
  const run = selected(process.argv.slice(2))
  const auditLogEvents = largeLogEvents(process.env.AUDIT_BENCH_EVENTS)
  const cpu = cpus()
  console.log('# Benchmarks\n')
  console.log(
    `${new Date().toISOString()} · Node ${process.version} · ${process.platform}/${process.arch} · ` +
      `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'} · load average ${load()} at start · ` +
      `${[...run].join(', ')}\n`,
  )
  const sections: Section[] = []
  const report = (section: Section) => {
    sections.push(section)
    console.log(render(section))
  }

  if (run.has('authentication')) {
    progress('authentication with warm caches (CPU only)')
    report(await authenticationCost())
  }

  if (run.has('bundles') || run.has('imports')) {
    progress('bundling every function')
    await mkdir(workDir, { recursive: true })
    cleanups.push(async () => {
      await rm(workDir, { recursive: true, force: true })
      // Leave node_modules as found: the parents go too unless something else is in them.
      for (const dir of [join(cacheDir, 'exchange-bench'), cacheDir]) await rmdir(dir).catch(() => undefined)
    })
    const bundles = await buildFunctionBundles(join(workDir, 'functions'))
    if (run.has('bundles')) {
      const inlined = await buildReference(
        join(workDir, 'reference', 'inlined-sdk.mjs'),
        getItemSource,
        'inlined',
      )
      report(bundleSizes(bundles, inlined))
    }
    if (run.has('imports')) {
      progress('importing every bundle in fresh processes')
      const scratch = await mkdtemp(join(tmpdir(), 'exchange-bench-'))
      cleanups.push(() => rm(scratch, { recursive: true, force: true }))
      const reference = await buildReference(
        join(workDir, 'reference', 'dynamodb-client.mjs'),
        dynamoDbClientSource,
        'external',
      )
      report(
        await importTimes(
          { name: 'DynamoDB client only', file: reference.file },
          bundles.map((bundle) => ({ name: bundle.module, file: bundle.file })),
          await handlerEnvironment(scratch),
        ),
      )
    }
  }

  if (run.has('submit')) {
    progress('submit handler with storage stubbed (CPU only)')
    report(await submitHandlerCpu())
  }

  if (run.has('audit')) {
    progress('offline verification of an audit export (CPU only)')
    report(await offlineVerification(progress))
  }

  if (run.has('authentication') || run.has('handoff') || run.has('inbox') || run.has('audit')) {
    progress('starting DynamoDB Local and s3rver')
    const adminJwk = await newPrivateJwk('ES256')
    const exchange = await startLocalExchange({
      adminJwks: JSON.stringify({ keys: [publicJwkOf(adminJwk)] }),
    })
    cleanups.push(() => exchange.stop())
    if (run.has('authentication')) {
      progress('authentication against DynamoDB Local')
      report(await authenticationWithDynamoDb(exchange.env))
    }
    if (run.has('handoff')) {
      progress('full handoff cycles through the local stack')
      const settings = parseConfig(exchange.env)
      const recorder = recordStoreCalls()
      cleanups.push(async () => recorder.stop())
      const stores = { dynamodb: dynamodbClient(settings), s3: s3Client(settings), settings }
      const { sections: handoff, recording } = await handoffCycle(
        { url: exchange.url, exchangeId: settings.EXCHANGE_ID, adminJwk },
        stores,
        recorder,
        progress,
      )
      recorder.stop()
      for (const section of handoff) report(section)
      progress('capacity and cost per handoff')
      for (const section of await handoffCapacity(recording, exchange.env)) report(section)
      stores.dynamodb.destroy()
      stores.s3.destroy()
    }
    if (run.has('inbox')) {
      progress('inbox pull and ack with 100 and 100,000 waiting messages')
      report(await inboxDepth(exchange.env, progress))
    }
    if (run.has('audit')) {
      progress(`events query on logs of 1,000 and ${figure(auditLogEvents, 0)} events`)
      report(await eventsQueryDepth(exchange.env, progress, auditLogEvents))
    }
    progress('stopping DynamoDB Local and s3rver')
  }

  const goals: Goal[] = sections.flatMap((section) => section.goals)
  console.log('### Goals\n')
  for (const goal of goals) console.log(`- ${goal.text}: **${verdict(goal.met)}**`)
  console.log(
    `\nAll benchmarks took ${((performance.now() - runStarted) / 1000).toFixed(0)} s;` +
      ` load average ${load()} at the end.`,
  )
}

try {
  await main()
} finally {
  await cleanUp()
}
