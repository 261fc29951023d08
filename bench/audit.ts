import { hash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb'
import * as z from 'zod'
import { dynamodbChangeWriter } from '#functions/adapters/dynamodb-change-writer.js'
import { dynamodbEventIndex } from '#functions/adapters/dynamodb-event-index.js'
import { joseSignatureVerifier } from '#functions/adapters/jose-signature-verifier.js'
import { parseConfig } from '#functions/config.js'
import { dynamodbClient } from '#functions/dependencies/stores.js'
import { tables } from '#functions/storage-layout.js'
import { tableDefinition } from '#local/stores.js'
import type { AuditEventIndex } from '#shared/audit/event-index.js'
import { EventQuery, type QueryEventsDeps, queryEvents } from '#shared/audit/query-events.js'
import { verifyExport } from '#shared/audit/verify-export.js'
import type { Principal } from '#shared/trust/principal.js'
import { readLines } from '../cli/read-lines.js'
import { syntheticLog } from '../tests/support/synthetic-audit-log.js'
import { compare, summarize } from './measure.js'
import { figure, type Section, times } from './report.js'

type Item = Record<string, AttributeValue>

/** Events in the export the verifier reads, and the rounds it reads it. */
const verifiedEvents = 200_000
const verifyRounds = 5

/**
 * Benchmark: `exchange audit verify` on a whole export of 200,000 events, in this process (one
 * core: the verifier is single-threaded), next to the machine's raw SHA-256 rate on inputs of an
 * event's size. CPU time, not wall time, is the figure: the rate per core.
 */
export const offlineVerification = async (progress: (message: string) => void): Promise<Section> => {
  progress(`building a contract-exact log of ${figure(verifiedEvents, 0)} events and exporting it`)
  const scratch = await mkdtemp(join(tmpdir(), 'exchange-bench-audit-'))
  const file = join(scratch, 'export.ndjson')
  // Built in a scope of its own, so that the log's objects are garbage while the verifier runs.
  const { bytes, meanBytes } = await (async () => {
    const log = await syntheticLog({
      events: verifiedEvents,
      stepMs: 2_000,
      checkpointsAt: Array.from({ length: 10 }, (_, i) => Math.floor(((i + 1) * verifiedEvents) / 10)),
    })
    const text = await log.exportText()
    await writeFile(file, text)
    const eventLines = text.split('\n').filter((line) => line.startsWith('{"type":"event"'))
    return {
      bytes: text.length,
      meanBytes: eventLines.reduce((sum, line) => sum + Buffer.byteLength(line), 0) / eventLines.length,
    }
  })()

  // Raw SHA-256 of an event-sized input, one-shot, the same call the verifier makes per event.
  const input = Buffer.alloc(Math.round(meanBytes), 0x61)
  const shaRates: number[] = []
  for (let round = 0; round < verifyRounds; round++) {
    const before = process.cpuUsage()
    for (let i = 0; i < verifiedEvents; i++) hash('sha256', input, 'hex')
    const used = process.cpuUsage(before)
    shaRates.push(verifiedEvents / ((used.user + used.system) / 1e6))
  }

  progress('verifying the export')
  const rates: number[] = []
  const wallRates: number[] = []
  let valid = true
  for (let round = 0; round < verifyRounds; round++) {
    const before = process.cpuUsage()
    const started = performance.now()
    const result = await verifyExport({ verifier: joseSignatureVerifier() }, readLines(file))
    const used = process.cpuUsage(before)
    valid &&= result.valid && result.events === verifiedEvents
    rates.push(verifiedEvents / ((used.user + used.system) / 1e6))
    wallRates.push(verifiedEvents / ((performance.now() - started) / 1000))
  }
  await rm(scratch, { recursive: true, force: true })
  const rate = summarize(rates).median
  const shaRate = summarize(shaRates).median
  return {
    title: 'Offline verification of an audit export',
    about: [
      `\`verifyExport\` as \`exchange audit verify\` runs it (file read in 1 MiB chunks, split into lines) on a whole`,
      `export of ${figure(verifiedEvents, 0)} events (${figure(bytes / 1e6)} MB, ${figure(meanBytes, 0)} bytes per event line on average) and 10 checkpoints,`,
      'built in memory with `appendToChain`, the RFC 9162 tree and ES256 checkpoints, exported by the real',
      '`exportAudit`. Per event: its line proven to be the JCS form of an event (read without `JSON.parse`), SHA-256',
      'of that text, order, chain link; then the tree is rebuilt (a leaf hash and about one node hash per event)',
      `against every checkpoint. ${verifyRounds} rounds; rates from this process's CPU time (user + system), so one core;`,
      'wall-clock rates beside them.',
    ],
    columns: [
      { title: 'what', align: 'left' },
      { title: 'per second (median)' },
      { title: 'min' },
      { title: 'max' },
    ],
    rows: [
      [
        `raw SHA-256 of ${figure(meanBytes, 0)}-byte inputs (hashes)`,
        figure(shaRate, 0),
        figure(summarize(shaRates).min, 0),
        figure(summarize(shaRates).max, 0),
      ],
      [
        'events verified (CPU time)',
        figure(rate, 0),
        figure(summarize(rates).min, 0),
        figure(summarize(rates).max, 0),
      ],
      [
        'events verified (wall clock)',
        figure(summarize(wallRates).median, 0),
        figure(summarize(wallRates).min, 0),
        figure(summarize(wallRates).max, 0),
      ],
    ],
    goals: [
      {
        text: `offline verification of at least 200,000 events per second per core (${figure(rate, 0)}, ${times(rate / 200_000)} the goal; the export verified: ${valid})`,
        met: valid && rate >= 200_000,
      },
    ],
    notes: [
      `Verifying an event costs about ${figure(shaRate / rate)} raw SHA-256 hashes of its size (the raw rate over the verified rate): three hashes (its own, its leaf, about one inner node) and the reading around them.`,
    ],
  }
}

/** The smaller log compared, and the calls of each query per side. */
const smallLog = 1_000
const queryPlan = { warmup: 6, rounds: 10, perRound: 8 }
/** Noise band for the goal, as the inbox benchmark reads it. */
const band = { low: 0.8, high: 1.25 }

const LargeLogEvents = z.coerce.number().int().min(10_000).default(100_000)

/**
 * The size of the larger log: 100,000 events, or as many as `AUDIT_BENCH_EVENTS` names (at least
 * 10,000), e.g. `AUDIT_BENCH_EVENTS=1000000 npm run bench -- audit`.
 */
export const largeLogEvents = (value: string | undefined): number => {
  const parsed = LargeLogEvents.safeParse(value)
  if (!parsed.success) throw new Error(`AUDIT_BENCH_EVENTS: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}

/**
 * Writes batches of items with BatchWriteItem (25 items a request, the most it takes), `workers`
 * requests in flight, retrying what comes back unprocessed, until `nextBatch` has no more. DynamoDB
 * Local is what takes the time; 16 to 64 requests in flight made no clear difference to it.
 */
const batchPut = async (
  client: DynamoDBClient,
  table: string,
  nextBatch: () => Promise<readonly Item[]>,
  workers = 24,
) => {
  const worker = async () => {
    for (let batch = await nextBatch(); batch.length > 0; batch = await nextBatch()) {
      let pending: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {
        [table]: batch.map((Item) => ({ PutRequest: { Item } })),
      }
      while (pending !== undefined && (pending[table]?.length ?? 0) > 0) {
        const answer = await client.send(new BatchWriteItemCommand({ RequestItems: pending }))
        pending = answer.UnprocessedItems as typeof pending
      }
    }
  }
  await Promise.all(Array.from({ length: workers }, worker))
}

/** A table of the audit table's layout (keys and every index), for one benchmark log. */
const createAuditTable = async (client: DynamoDBClient, name: string) => {
  await client.send(new CreateTableCommand(tableDefinition(tables.audit, name)))
}

/**
 * A synthetic log of `count` events in its own table, each event's item exactly as the change
 * writer puts it (taken from the transaction it would send), written with BatchWriteItem. Items are
 * made a batch at a time as the writes need them (a million at once would crowd the heap), one
 * batch after the other, so that each takes the transaction its own commit sent. Answers the log
 * and how long writing it took, in seconds.
 */
const fillLog = async (client: DynamoDBClient, table: string, count: number) => {
  const log = await syntheticLog({ events: count, stepMs: 60_000, seed: 11 })
  const started = performance.now()
  const captured: TransactWriteItem[][] = []
  const capturing = {
    send: async (command: { input: { TransactItems?: TransactWriteItem[] } }) => {
      captured.push(command.input.TransactItems ?? [])
      return {}
    },
  } as unknown as DynamoDBClient
  const writer = dynamodbChangeWriter(capturing, { state: 'unused', audit: table, inbox: 'unused' })
  const itemsOf = async (start: number) => {
    const items: Item[] = []
    for (const { event, chain, seq } of log.events.slice(start, start + 25)) {
      await writer.commit([
        { kind: 'append-event', event, head: { chain, seq, hash: event.hash }, previousSeq: seq - 1 },
      ])
      const [eventItem] = captured.pop() ?? []
      if (eventItem?.Put?.Item === undefined) throw new Error('the change writer wrote no event')
      items.push(eventItem.Put.Item)
    }
    return items
  }
  let next = 0
  let made = Promise.resolve<readonly Item[]>([])
  const nextBatch = () => {
    const start = next
    next += 25
    made = made.then(() => itemsOf(start))
    return made
  }
  await createAuditTable(client, table)
  await batchPut(client, table, nextBatch)
  return { log, seconds: (performance.now() - started) / 1000 }
}

/** Counts the items a query's reads return from DynamoDB, and the reads. */
const counting = (index: AuditEventIndex) => {
  const counters = { reads: 0, items: 0 }
  const counted: AuditEventIndex = {
    page: async (partition, filter, options) => {
      const page = await index.page(partition, filter, options)
      counters.reads++
      counters.items += page.events.length
      return page
    },
    load: (keys) => index.load(keys),
  }
  return { counted, counters }
}

/**
 * Benchmark: `GET /v1/audit/events` (the use case with the DynamoDB adapters) on a log of 1,000 and
 * one of `largeEvents` events in DynamoDB Local, one query of each kind per call, interleaved.
 */
export const eventsQueryDepth = async (
  env: Record<string, string>,
  progress: (message: string) => void,
  largeEvents: number,
): Promise<Section> => {
  const settings = parseConfig(env)
  const client = dynamodbClient(settings)
  const suffix = Date.now().toString(36)
  const names = { small: `bench-audit-${suffix}-small`, large: `bench-audit-${suffix}-large` }
  const sizes = { small: figure(smallLog, 0), large: figure(largeEvents, 0) }
  progress(`writing an audit log of ${sizes.small} events`)
  const { log: small } = await fillLog(client, names.small, smallLog)
  progress(`writing an audit log of ${sizes.large} events`)
  const { log: large, seconds: fillSeconds } = await fillLog(client, names.large, largeEvents)
  const auditor: Principal = { participant: 'bench-auditor', sub: 'bench', roles: ['auditor'] }
  const self: Principal = { participant: 'p-03', sub: 'bench', roles: ['accepting'] }
  const from = new Date(Date.parse('2026-11-01T00:00:00.000Z') + 3_600_000).toISOString()
  /** A case of the log with at least `count` events, so that a page of a case reads as much in both logs. */
  const caseWith = (log: typeof small, count: number) => {
    const sizes = new Map<string, number>()
    for (const { event } of log.events)
      if (event.caseId !== undefined) sizes.set(event.caseId, (sizes.get(event.caseId) ?? 0) + 1)
    const found = [...sizes].find(([, size]) => size >= count)?.[0]
    if (found === undefined) throw new Error(`no case of ${count} events`)
    return found
  }
  const caseIds = { small: caseWith(small, 12), large: caseWith(large, 12) }
  const queries: {
    name: string
    query: (side: 'small' | 'large') => Record<string, string>
    caller: Principal
  }[] = [
    {
      name: 'a case (chain partition), limit 10',
      query: (side) => ({ caseId: caseIds[side], limit: '10' }),
      caller: auditor,
    },
    { name: 'a participant (by-actor)', query: () => ({ participant: 'p-05' }), caller: auditor },
    { name: 'an action (by-action)', query: () => ({ action: 'leg.accept' }), caller: auditor },
    { name: 'a time range (by-day)', query: () => ({ from }), caller: auditor },
    { name: 'own actions, party check (by-actor)', query: () => ({}), caller: self },
  ]
  const sides = {
    small: counting(dynamodbEventIndex(client, names.small)),
    large: counting(dynamodbEventIndex(client, names.large)),
  }
  const depsOf = (side: keyof typeof sides, log: typeof small): QueryEventsDeps => ({
    events: sides[side].counted,
    parties: log.parties,
    clock: () => new Date('2026-12-01T00:00:00.000Z'),
  })
  const rows: string[][] = []
  const ratios: { name: string; ratio: number; min: number; max: number }[] = []
  for (const { name, query, caller } of queries) {
    progress(`events query: ${name}`)
    const run = (side: keyof typeof sides, log: typeof small) => async () => {
      const page = await queryEvents(depsOf(side, log), {
        query: EventQuery.parse({ limit: '50', ...query(side) }),
        caller,
      })
      if (page.events.length === 0) throw new Error(`${name} found nothing in the ${side} log`)
    }
    for (const side of ['small', 'large'] as const)
      Object.assign(sides[side].counters, { reads: 0, items: 0 })
    const result = await compare({
      ...queryPlan,
      baseline: run('small', small),
      subject: run('large', large),
    })
    const perCall = (side: keyof typeof sides) => {
      const calls = queryPlan.warmup + queryPlan.rounds * queryPlan.perRound
      return `${figure(sides[side].counters.reads / calls)} / ${figure(sides[side].counters.items / calls)}`
    }
    rows.push([
      name,
      figure(result.baseline.median / 1000, 2),
      figure(result.subject.median / 1000, 2),
      `${times(result.ratio)} (${times(result.roundRatios.min)}–${times(result.roundRatios.max)})`,
      perCall('small'),
      perCall('large'),
    ])
    ratios.push({ name, ratio: result.ratio, min: result.roundRatios.min, max: result.roundRatios.max })
  }
  await Promise.all(
    Object.values(names).map((TableName) => client.send(new DeleteTableCommand({ TableName }))),
  )
  client.destroy()
  const met = ratios.every(
    ({ ratio, min, max }) => ratio >= band.low && ratio <= band.high && min <= 1 && max >= 1,
  )
  return {
    title: `Events query on a log of ${sizes.small} vs ${sizes.large} events`,
    about: [
      '`queryEvents` with the DynamoDB adapters (`dynamodbEventIndex`) against DynamoDB Local, each log in its own',
      "table of the audit table's layout, limit 50 (10 for the case), one page per call. Both logs are built alike (12 participants,",
      `one case per eight events, an event a minute on average), so the larger one has ${figure(largeEvents / smallLog, 0)} times larger`,
      'participant, action and day partitions and as many more cases. Medians in ms, and the ratio of the',
      `${sizes.large}-event log's to the ${sizes.small}-event log's (per-round range); ${queryPlan.rounds} alternating rounds of ${queryPlan.perRound} calls a side.`,
    ],
    columns: [
      { title: 'query', align: 'left' },
      { title: `${sizes.small} p50` },
      { title: `${sizes.large} p50` },
      { title: 'ratio', align: 'left' },
      { title: `reads / items (${sizes.small})` },
      { title: `reads / items (${sizes.large})` },
    ],
    rows,
    goals: [
      {
        text:
          `an events query costs the same on a log of ${sizes.large} events as on one of ${sizes.small} (each kind: a ratio of medians ` +
          `within ${times(band.low)}–${times(band.high)} and 1 within the per-round range)`,
        met,
      },
    ],
    notes: [
      `Writing the ${sizes.large}-event log took ${figure(fillSeconds, 0)} s (${figure(largeEvents / fillSeconds, 0)} items/s): ` +
        'items built by the real change writer, written with BatchWriteItem, 24 requests in flight.',
      ...(largeEvents < 1_000_000
        ? [
            'For 1,000,000 events: `AUDIT_BENCH_EVENTS=1000000 npm run bench -- audit`. The key design is the argument for any size:' +
              ' every query is one Query of one partition (a case chain, or the by-actor, by-action or by-day index) with' +
              ' `Limit`, starting at a key; DynamoDB reads only what it returns (and filters), never the rest of the' +
              ' partition or the log.',
          ]
        : []),
      'The reads and items per call above are what each query read from DynamoDB in each log.',
    ],
  }
}
