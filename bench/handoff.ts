import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { JWK } from 'jose'
import { newPrivateJwk, publicJwkOf } from '#local/keys.js'
import { sampleItem, sampleSubmission } from '#local/sample-handoff.js'
import { type ExchangeSession, exchangeSession, type LocalDocument } from '../client/exchange-session.js'
import type { ParticipantKey } from '../client/request-token.js'
import { type Calibration, calibrationOf, type DirectStores, directCycle } from './direct-handoff.js'
import { compare, summarize } from './measure.js'
import { figure, type Section, times } from './report.js'
import { countByStep, describeCounts, type StoreCall, type StoreCallRecorder } from './store-calls.js'

/** The size of each application document, as the issue sets it (1 KB = 1,000 bytes). */
export const documentBytes = 300_000

/** The goal: the exchange reaches at least this share of the baseline's throughput. */
const goalShare = 0.5

/** A running local exchange as the handoff benchmarks use it, with the admin's private key. */
export type ExchangeUnderTest = { url: string; exchangeId: string; adminJwk: JWK }

/** One district pair of the handoff: an accepting window, its home, their item, and their sessions. */
export type HandoffSetting = {
  accepting: string
  home: string
  itemCode: string
  /** The accepting window's private key, for tokens minted outside its session. */
  acceptingJwk: JWK
  window: ExchangeSession
  homeSession: ExchangeSession
}

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

const shortId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`

/**
 * Registers, as the admin and over HTTP, an accepting window and a home, an item with three
 * materials (two required) and an agreement between the two covering it: what
 * `tests/support/handoff-fixtures.ts` does for the tests, which reads its exchange from vitest.
 */
export const handoffSetting = async (exchange: ExchangeUnderTest): Promise<HandoffSetting> => {
  const session = (participant: string, jwk: JWK) =>
    exchangeSession(exchange.url, exchange.exchangeId, { participant, jwk }, 'bench')
  const admin = session('admin', exchange.adminJwk)
  const participant = async (roles: string[]) => {
    const id = shortId('bench')
    const jwk = await newPrivateJwk('ES256')
    await admin.send('PUT', `/v1/participants/${id}`, {
      name: 'Benchmark district',
      kind: 'district',
      roles,
      jwks: { keys: [publicJwkOf(jwk)] },
    })
    return { id, jwk }
  }
  const accepting = await participant(['accepting'])
  const home = await participant(['home'])
  const itemCode = shortId('item')
  await admin.send('PUT', `/v1/items/${itemCode}`, sampleItem)
  await admin.send('PUT', `/v1/agreements/${shortId('agreement')}`, {
    parties: [accepting.id, home.id],
    items: [itemCode],
    validFrom: '2020-01-01T00:00:00+08:00',
  })
  return {
    accepting: accepting.id,
    home: home.id,
    itemCode,
    acceptingJwk: accepting.jwk,
    window: session(accepting.id, accepting.jwk),
    homeSession: session(home.id, home.jwk),
  }
}

/** The three application documents of every case: random bytes standing for scans. */
export const applicationDocuments = (): LocalDocument[] =>
  ['form', 'licence', 'mandate'].map((material) => ({
    name: `${material}.pdf`,
    contentType: 'application/pdf',
    bytes: randomBytes(documentBytes),
    material,
  }))

/** The steps of one handoff, in order, as the tables name them. */
export const steps = ['upload', 'submit', 'pull', 'download', 'ack', 'accept', 'approve', 'deliver'] as const
export type Step = (typeof steps)[number]

/** Runs one step of a cycle: times it, and names it to the store-call recorder. */
export type StepTimer = <T>(step: Step, run: () => Promise<T>) => Promise<T>

/** A step timer adding each step's milliseconds to `into` (when given). */
const stepTimer =
  (into: Map<Step, number[]> | undefined, recorder: StoreCallRecorder | undefined): StepTimer =>
  async (step, run) => {
    recorder?.step(step)
    const started = performance.now()
    const result = await run()
    const ms = performance.now() - started
    into?.set(step, [...(into.get(step) ?? []), ms])
    return result
  }

type Pulled = { messages: { lease: string; type: string; caseId: string; body: Record<string, unknown> }[] }
type PackageView = { documents: { url: string; sha256: string }[] }

/**
 * One full handoff through the exchange's HTTP API: the window uploads three documents through
 * presigned URLs and submits the case with its signed manifest; the home pulls its inbox,
 * downloads the package's documents and checks their SHA-256, acks what it pulled (the
 * `case.delivered` of the case before comes with it), accepts, uploads a result and approves
 * with its manifest; the window delivers.
 */
export const exchangeCycle = async (
  setting: HandoffSetting,
  documents: readonly LocalDocument[],
  timed: StepTimer,
  recorder?: StoreCallRecorder,
) => {
  const entries = await timed('upload', async () => {
    const uploaded = await setting.window.upload(documents)
    for (const document of documents) recorder?.url('PutObject', document.bytes.length)
    return uploaded
  })
  const submitted = await timed('submit', async () =>
    setting.window.send<{ caseId: string }>(
      'POST',
      '/v1/cases',
      sampleSubmission({
        acceptingRef: shortId('ref'),
        itemCode: setting.itemCode,
        homes: [setting.home],
        manifest: await setting.window.manifest('application', entries),
      }),
    ),
  )
  const { caseId } = submitted.body
  const pulled = await timed('pull', async () => {
    const { body } = await setting.homeSession.send<Pulled>('POST', '/v1/inbox/pull', { max: 10 })
    return body.messages
  })
  const announced = pulled.find((message) => message.caseId === caseId && message.type === 'case.submitted')
  if (announced === undefined) throw new Error(`the home's pull did not bring case ${caseId}`)
  await timed('download', async () => {
    const { body } = await setting.homeSession.send<PackageView>(
      'GET',
      `/v1/cases/${caseId}/packages/${String(announced.body.packageId)}`,
    )
    await Promise.all(
      body.documents.map(async (document) => {
        const response = await fetch(document.url)
        const bytes = new Uint8Array(await response.arrayBuffer())
        recorder?.url('GetObject', bytes.length)
        if (!response.ok || sha256Hex(bytes) !== document.sha256) {
          throw new Error('a downloaded document does not have the SHA-256 of its manifest')
        }
      }),
    )
  })
  await timed('ack', () =>
    setting.homeSession.send('POST', '/v1/inbox/ack', { leases: pulled.map((message) => message.lease) }),
  )
  const transition = (session: ExchangeSession, body: Record<string, unknown>) =>
    session.send('POST', `/v1/cases/${caseId}/legs/${setting.home}/transitions`, body)
  await timed('accept', () => transition(setting.homeSession, { action: 'accept', expectedVersion: 1 }))
  await timed('approve', async () => {
    const result = { name: 'decision.pdf', contentType: 'application/pdf', bytes: randomBytes(2048) }
    const [entry] = await setting.homeSession.upload([result])
    recorder?.url('PutObject', result.bytes.length)
    if (entry === undefined) throw new Error('no upload slot for the result')
    const manifest = await setting.homeSession.manifest('result', [entry])
    return transition(setting.homeSession, { action: 'approve', expectedVersion: 2, manifest })
  })
  await timed('deliver', () =>
    transition(setting.window, {
      action: 'deliver',
      expectedVersion: 3,
      delivery: { method: 'electronic', at: new Date().toISOString() },
    }),
  )
  recorder?.pause()
}

/** One handler's `request` log line: which route ran, during which step, for how long. */
export type HandlerRun = { step: string; route: string; durationMs: number }

/**
 * Takes over `console.log` while the exchange runs in this process: the handlers' JSON log lines
 * would otherwise land in the report. Their `request` lines are kept (route and duration), the
 * rest dropped; `restore` gives `console.log` back.
 */
export const captureHandlerLogs = (stepOf: () => string) => {
  const original = console.log
  const runs: HandlerRun[] = []
  console.log = (line: unknown) => {
    if (typeof line !== 'string' || !line.startsWith('{')) return
    const entry = JSON.parse(line) as { message?: string; route?: string; durationMs?: number }
    if (entry.message === 'request' && entry.route !== undefined && entry.durationMs !== undefined) {
      runs.push({ step: stepOf(), route: entry.route, durationMs: entry.durationMs })
    }
  }
  return {
    runs,
    restore: () => {
      console.log = original
    },
  }
}

/** How the cycles are run: warm-up cycles per side, then alternating rounds of `perRound` cycles each. */
const plan = { warmup: 2, rounds: 8, perRound: 5 }

/** The concurrent run: `workers` district pairs per side, each doing `cycles` handoffs at once. */
const concurrentPlan = { workers: 4, cycles: 2, runs: 2 }

/** What the capacity section computes from: one recorded steady-state cycle, and handler durations. */
export type HandoffRecording = {
  /** Every store call of one exchange cycle, by step. */
  calls: StoreCall[]
  /** The handlers' own durations over every timed exchange cycle. */
  runs: HandlerRun[]
  /** How many exchange cycles `runs` covers. */
  cycles: number
  /** A registered participant's key, for timing the authorizer's work. */
  caller: ParticipantKey
}

/** Cases per second of `workers` concurrent district pairs, each running `cycles` handoffs. */
const concurrentThroughput = async (workers: readonly (() => Promise<void>)[], cycles: number) => {
  const started = performance.now()
  await Promise.all(
    workers.map(async (cycle) => {
      for (let i = 0; i < cycles; i++) await cycle()
    }),
  )
  return (workers.length * cycles) / ((performance.now() - started) / 1000)
}

/**
 * Benchmark 4: the full handoff through the local stack's HTTP API against a baseline making the
 * same store calls directly, cycle after cycle (and with four district pairs at once).
 */
export const handoffCycle = async (
  exchange: ExchangeUnderTest,
  stores: DirectStores,
  recorder: StoreCallRecorder,
  progress: (message: string) => void,
): Promise<{ sections: Section[]; recording: HandoffRecording }> => {
  let current = '(setup)'
  const logs = captureHandlerLogs(() => current)
  try {
    const documents = applicationDocuments()
    const exchangeSetting = await handoffSetting(exchange)
    const directSetting = await handoffSetting(exchange)
    const track: StepTimer = (step, run) => {
      current = step
      return run()
    }

    // Three untimed exchange cycles load the handlers and reach the steady state (the home's pull
    // brings the case before's `case.delivered`); the fourth is recorded as the calibration.
    for (let i = 0; i < 3; i++) await exchangeCycle(exchangeSetting, documents, track)
    await exchangeCycle(exchangeSetting, documents, stepTimer(undefined, recorder), recorder)
    const calls = recorder.take()
    const calibration: Calibration = calibrationOf(calls)
    await directCycle(stores, calibration, directSetting, documents, stepTimer(undefined, undefined))
    await directCycle(stores, calibration, directSetting, documents, stepTimer(undefined, recorder))
    recorder.pause()
    const directCalls = recorder.take()
    const exchangeCounts = countByStep(calls)
    const sameCalls = (step: Step) =>
      describeCounts(countByStep(calls, true).get(step)) ===
      describeCounts(countByStep(directCalls, true).get(step))
    const directCounts = countByStep(directCalls)

    progress(`handoff cycles: ${plan.rounds} alternating rounds of ${plan.perRound} per side`)
    const exchangeTimes = new Map<Step, number[]>()
    const directTimes = new Map<Step, number[]>()
    const runsBefore = logs.runs.length
    const result = await compare({
      ...plan,
      baseline: (index) =>
        directCycle(
          stores,
          calibration,
          directSetting,
          documents,
          stepTimer(index < plan.warmup ? undefined : directTimes, undefined),
        ),
      subject: (index) =>
        exchangeCycle(exchangeSetting, documents, async (step, run) => {
          current = step
          return stepTimer(index < plan.warmup ? undefined : exchangeTimes, undefined)(step, run)
        }),
    })
    const runs = logs.runs.slice(runsBefore)

    progress(`handoff with ${concurrentPlan.workers} district pairs at once`)
    const pairs = async () =>
      Promise.all(Array.from({ length: concurrentPlan.workers }, () => handoffSetting(exchange)))
    const [exchangePairs, directPairs] = [await pairs(), await pairs()]
    const noTimes = stepTimer(undefined, undefined)
    const concurrent = {
      exchange: exchangePairs.map((setting) => () => exchangeCycle(setting, documents, noTimes)),
      direct: directPairs.map(
        (setting) => () => directCycle(stores, calibration, setting, documents, noTimes),
      ),
    }
    await concurrentThroughput(concurrent.direct, 1)
    await concurrentThroughput(concurrent.exchange, 1)
    const concurrentRates = { exchange: [] as number[], direct: [] as number[] }
    for (let run = 0; run < concurrentPlan.runs; run++) {
      const order = run % 2 === 0 ? (['direct', 'exchange'] as const) : (['exchange', 'direct'] as const)
      for (const side of order) {
        concurrentRates[side].push(await concurrentThroughput(concurrent[side], concurrentPlan.cycles))
      }
    }

    const sequential = {
      direct: 1_000_000 / result.baseline.mean,
      exchange: 1_000_000 / result.subject.mean,
    }
    const parallel = {
      direct: summarize(concurrentRates.direct).mean,
      exchange: summarize(concurrentRates.exchange).mean,
    }
    const share = sequential.exchange / sequential.direct
    const ms = (micros: number) => figure(micros / 1000, 0)
    const throughput: Section = {
      title: 'Full handoff cycle: throughput against the same store calls made directly',
      about: [
        'Subject: one handoff through the HTTP API of a `startLocalExchange()` instance (DynamoDB Local,',
        's3rver, the local gateway running the handler modules in this process): the window uploads',
        `3 × ${figure(documentBytes / 1000, 0)} KB through presigned URLs and POSTs /v1/cases with its signed manifest; the home`,
        'pulls its inbox, GETs the package and downloads and SHA-256-checks each document, acks, accepts,',
        'uploads a 2 KB result and approves with its manifest; the window delivers. Baseline: the same',
        'DynamoDB and S3 calls made directly with the SDK against the same stores (see the next table',
        `and \`bench/direct-handoff.ts\`). ${plan.rounds} alternating rounds of ${plan.perRound} cycles per side after ` +
          `${plan.warmup} warm-up cycles; then ${concurrentPlan.workers} district pairs at once, ` +
          `${concurrentPlan.cycles} cycles each, ${concurrentPlan.runs} runs per side.`,
      ],
      columns: [
        { title: 'run', align: 'left' },
        { title: 'baseline cases/s' },
        { title: 'exchange cases/s' },
        { title: 'exchange share' },
        { title: 'cycle median ms (baseline / exchange)' },
        { title: 'CPU ms per cycle (baseline / exchange)' },
        { title: 'goal', align: 'left' },
      ],
      rows: [
        [
          'one cycle at a time',
          figure(sequential.direct, 2),
          figure(sequential.exchange, 2),
          times(share),
          `${ms(result.baseline.median)} / ${ms(result.subject.median)}`,
          `${ms(result.cpu.baseline)} / ${ms(result.cpu.subject)}`,
          `≥ ${times(goalShare)}: ${share >= goalShare ? 'met' : 'NOT MET'}`,
        ],
        [
          `${concurrentPlan.workers} pairs at once`,
          figure(parallel.direct, 2),
          figure(parallel.exchange, 2),
          times(parallel.exchange / parallel.direct),
          '',
          '',
          'for the record',
        ],
      ],
      goals: [
        {
          text: `the exchange reaches at least half the baseline's handoff throughput (${times(share)})`,
          met: share >= goalShare,
        },
      ],
      notes: [
        'Cases per second is cycles divided by the time they took (the mean cycle time, one at a time).' +
          ` The per-round ratio of cycle medians ranged ${times(result.roundRatios.min)}–${times(result.roundRatios.max)}.`,
        'CPU is this process only, per cycle: for the exchange that is the client, the gateway and every' +
          ' handler (tokens, validation, signing, encryption, hashing, the SDK); for the baseline the SDK and' +
          ' the same hashing. DynamoDB Local (Java) and s3rver run in their own processes on the same 2 cores.',
        "The handlers' JSON log lines go to a sink instead of stdout (they would land in this report).",
      ],
    }
    const rowOf = (step: Step) => {
      const direct = summarize(directTimes.get(step) ?? [])
      const subject = summarize(exchangeTimes.get(step) ?? [])
      const exchangeText = describeCounts(exchangeCounts.get(step))
      const directText = sameCalls(step) ? 'the same' : describeCounts(directCounts.get(step))
      return [
        step,
        figure(direct.median),
        figure(direct.p99),
        figure(subject.median),
        figure(subject.p99),
        times(subject.median / direct.median),
        exchangeText,
        directText,
      ]
    }
    const perStep: Section = {
      title: 'Full handoff cycle: time and store calls per step',
      about: [
        'Per-step wall time in ms of the timed cycles above (p99 of this many samples is close to the',
        'maximum), and the store calls each step makes, counted in one recorded cycle by wrapping',
        "`send` of the SDK's DynamoDB and S3 clients in this process (the gateway runs the handlers",
        'here); presigned-URL requests are counted where the client makes them. Every API request',
        "includes the authorizer's GetItem (participant) and conditional PutItem (token id).",
      ],
      columns: [
        { title: 'step', align: 'left' },
        { title: 'baseline p50' },
        { title: 'baseline p99' },
        { title: 'exchange p50' },
        { title: 'exchange p99' },
        { title: 'ratio p50' },
        { title: 'store calls of the exchange', align: 'left' },
        { title: 'baseline', align: 'left' },
      ],
      rows: [
        ...steps.map(rowOf),
        [
          'whole cycle',
          ms(result.baseline.median),
          ms(result.baseline.p99),
          ms(result.subject.median),
          ms(result.subject.p99),
          times(result.ratio),
          `${calls.length} calls`,
          directCalls.length === calls.length ? 'the same' : `${directCalls.length} calls`,
        ],
      ],
      goals: [],
      notes: [
        '"TransactWriteItems(n)" is a transaction of n items; "the same" counts a presigned-URL request as' +
          ' the SDK call the baseline makes instead (PutObject, GetObject).',
        'Steady state: the pull leases two messages' +
          " (this case's `case.submitted` and the case before's `case.delivered`) and the ack removes both.",
      ],
    }
    return {
      sections: [throughput, perStep],
      recording: {
        calls,
        runs,
        cycles: plan.warmup + plan.rounds * plan.perRound,
        caller: { participant: exchangeSetting.accepting, jwk: exchangeSetting.acceptingJwk },
      },
    }
  } finally {
    logs.restore()
  }
}
