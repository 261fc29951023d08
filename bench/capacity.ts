import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb'
import { parseConfig } from '#functions/config.js'
import { dynamodbClient, storeDependencies } from '#functions/dependencies/stores.js'
import { authorizerGrants, type Grant, routeList } from '#functions/http/routes.js'
import { type IndexLayout, tables } from '#functions/storage-layout.js'
import { authenticate } from '#shared/trust/authenticate.js'
import { type ParticipantKey, requestToken } from '../client/request-token.js'
import { type HandoffRecording, type Step, steps } from './handoff.js'
import { summarize } from './measure.js'
import { figure, type Section } from './report.js'
import type { StoreCall } from './store-calls.js'

type Item = Record<string, AttributeValue>

/**
 * On-demand list prices this estimate assumes: AWS us-east-1, USD, as published in 2025 and not
 * checked against the live price list when this was written. China (Ningxia) prices are in CNY
 * and differ; check every figure before quoting a cost.
 */
export const prices = {
  region: 'us-east-1 (USD)',
  dynamodbWriteUnit: 0.625 / 1e6,
  dynamodbReadUnit: 0.125 / 1e6,
  dynamodbStorageGbMonth: 0.25,
  dynamodbBackupGbMonth: 0.2,
  s3PutCopy: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  s3StorageGbMonth: 0.023,
  kmsAsymmetricSign: 0.15 / 10_000,
  kmsSymmetric: 0.03 / 10_000,
  lambdaRequest: 0.2 / 1e6,
  lambdaArmGbSecond: 0.0000133334,
  apiGatewayHttpRequest: 1 / 1e6,
  dataTransferOutGb: 0.09,
}

const gb = 1024 ** 3

/** The size DynamoDB bills for an attribute value (names are added by `itemBytes`). */
const valueBytes = (value: AttributeValue): number => {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8')
  if (value.N !== undefined) {
    const digits = value.N.replace(/^[-+]?0*|\.|e.*$/gi, '').replace(/0+$/, '').length
    return Math.ceil(digits / 2) + 1
  }
  if (value.B !== undefined) return value.B.length
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + valueBytes(element) + 1, 0)
  if (value.M !== undefined) return 3 + itemBytes(value.M) + Object.keys(value.M).length
  if (value.SS !== undefined) return value.SS.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0)
  if (value.NS !== undefined) return value.NS.reduce((sum, text) => sum + valueBytes({ N: text }), 0)
  return 0
}

/** An item's size by DynamoDB's rules: every attribute's UTF-8 name plus its value. */
export const itemBytes = (item: Item): number =>
  Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + valueBytes(value),
    0,
  )

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024))
const readUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096))

/** The global secondary indexes of each table, by table name in `settings`. */
const indexesOf = (names: Record<string, string>) =>
  new Map(
    Object.values(tables).map((layout) => [
      names[layout.env] ?? '',
      'indexes' in layout
        ? layout.indexes.map((index: IndexLayout) => [index.partitionKey, index.sortKey] as const)
        : [],
    ]),
  )

/** The capacity one step takes: write and read request units, and index writes among the writes. */
export type StepCapacity = { writeUnits: number; indexWriteUnits: number; readUnits: number }

/**
 * Request units of a sequence of DynamoDB calls by DynamoDB's billing rules: writes in 1 KB units
 * of the larger of the item before and after (transactions twice), strongly consistent reads in
 * 4 KB units of what was read (eventually consistent ones half), a Query over the sum of its items,
 * and for each global secondary index an item enters, leaves or moves in, one standard write per
 * 1 KB of the item (projection ALL), two when its index key changes. Item sizes come from the
 * requests and answers themselves; an item last written before the recorded calls counts at its
 * new size, and an index entry read through a projection at the largest item of its table written.
 */
export const capacityOf = (calls: readonly StoreCall[], names: Record<string, string>) => {
  const indexes = indexesOf(names)
  const known = new Map<string, { bytes: number; item: Item }>()
  const written = new Set<string>()
  const largest = new Map<string, number>()
  const keyOf = (table: string, item: Item) => `${table}|${item.pk?.S ?? ''}|${item.sk?.S ?? ''}`
  const remember = (table: string, item: Item) => {
    const bytes = itemBytes(item)
    known.set(keyOf(table, item), { bytes, item })
    largest.set(table, Math.max(largest.get(table) ?? 0, bytes))
  }
  /** Index writes when an item goes from `before` to `after` (either absent). */
  const indexUnits = (table: string, before: Item | undefined, after: Item | undefined, touched: string[]) =>
    (indexes.get(table) ?? []).reduce((sum, [partition, sort]) => {
      const keyIn = (item: Item | undefined) =>
        item?.[partition] !== undefined && (sort === undefined || item[sort] !== undefined)
          ? JSON.stringify([item[partition], sort === undefined ? null : item[sort]])
          : undefined
      const was = keyIn(before)
      const is = keyIn(after)
      const size = writeUnits(itemBytes(after ?? before ?? {}))
      if (was === undefined && is === undefined) return sum
      if (was === undefined || is === undefined) return sum + size
      const moved = was !== is || touched.includes(sort ?? partition) || touched.includes(partition)
      return sum + (moved ? 2 * size : size)
    }, 0)
  const byStep = new Map<string, StepCapacity>()
  const add = (step: string, part: Partial<StepCapacity>) => {
    const sum = byStep.get(step) ?? { writeUnits: 0, indexWriteUnits: 0, readUnits: 0 }
    byStep.set(step, {
      writeUnits: sum.writeUnits + (part.writeUnits ?? 0),
      indexWriteUnits: sum.indexWriteUnits + (part.indexWriteUnits ?? 0),
      readUnits: sum.readUnits + (part.readUnits ?? 0),
    })
  }
  const write = (
    step: string,
    table: string,
    after: Item | undefined,
    key: Item,
    factor: number,
    touched: string[] = [],
  ) => {
    const before = known.get(keyOf(table, key))
    const bytes = Math.max(before?.bytes ?? 0, after === undefined ? 0 : itemBytes(after))
    add(step, {
      writeUnits: factor * writeUnits(bytes),
      indexWriteUnits: indexUnits(table, before?.item, after, touched),
    })
    if (after === undefined) {
      known.delete(keyOf(table, key))
      written.delete(keyOf(table, key))
    } else {
      remember(table, after)
      written.add(keyOf(table, after))
    }
  }
  for (const call of calls) {
    if (call.store !== 'dynamodb' || call.failed !== undefined) continue
    const input = call.input as Record<string, unknown> & { TableName?: string }
    const output = (call.output ?? {}) as { Item?: Item; Items?: Item[]; Attributes?: Item }
    const table = input.TableName ?? ''
    const consistency = input.ConsistentRead === true ? 1 : 0.5
    switch (call.operation) {
      case 'PutItem':
        write(call.step, table, input.Item as Item, input.Item as Item, 1)
        break
      case 'UpdateItem': {
        const touched = [...String(input.UpdateExpression).matchAll(/#(\w+)/g)].map(
          (match) => (input.ExpressionAttributeNames as Record<string, string>)[`#${match[1]}`] ?? '',
        )
        const key = input.Key as Item
        if (!known.has(keyOf(table, key)) && output.Attributes !== undefined) {
          // Listed by the index it was leased from, so it was in it: assume it as it is now.
          known.set(keyOf(table, key), { bytes: itemBytes(output.Attributes), item: output.Attributes })
        }
        write(call.step, table, output.Attributes ?? (input.Key as Item), key, 1, touched)
        break
      }
      case 'TransactWriteItems':
        for (const item of input.TransactItems as TransactWriteItem[]) {
          if (item.Put !== undefined)
            write(call.step, item.Put.TableName ?? '', item.Put.Item, item.Put.Item ?? {}, 2)
          if (item.Delete !== undefined)
            write(call.step, item.Delete.TableName ?? '', undefined, item.Delete.Key ?? {}, 2)
          if (item.Update !== undefined) {
            const key = item.Update.Key ?? {}
            const before = known.get(keyOf(item.Update.TableName ?? '', key))?.item ?? key
            write(call.step, item.Update.TableName ?? '', before, key, 2)
          }
        }
        break
      case 'GetItem': {
        const full = known.get(keyOf(table, input.Key as Item))?.bytes ?? itemBytes(output.Item ?? {})
        add(call.step, { readUnits: consistency * readUnits(full) })
        if (output.Item !== undefined && input.ProjectionExpression === undefined)
          remember(table, output.Item)
        break
      }
      case 'Query': {
        const items = output.Items ?? []
        const bytes = items.reduce(
          (sum, item) =>
            sum +
            (input.ProjectionExpression === undefined
              ? itemBytes(item)
              : (known.get(
                  keyOf(table, {
                    ...item,
                    pk: (input.ExpressionAttributeValues as Item)[':recipient'] ?? { S: '' },
                  }),
                )?.bytes ??
                largest.get(table) ??
                itemBytes(item))),
          0,
        )
        add(call.step, { readUnits: consistency * readUnits(bytes) })
        if (input.ProjectionExpression === undefined) for (const item of items) remember(table, item)
        break
      }
      default:
        break
    }
  }
  // What the calls leave stored for good: items they wrote that are still there, except those that
  // expire (token ids, upload records), messages (the recipient acks them) and a participant's
  // chain head (one per participant, not per handoff); each with DynamoDB's 100 bytes of overhead,
  // once more for every index it is in.
  let storedBytes = 0
  for (const key of written) {
    const entry = known.get(key)
    const [table = '', pk = '', sk = ''] = key.split('|')
    if (entry === undefined || table === names[tables.nonces.env] || entry.item.expiresAt !== undefined)
      continue
    if (table === names[tables.inbox.env] && entry.item.doc !== undefined) continue
    if (pk.startsWith('chain#participant#') && sk === 'head') continue
    const inIndexes = (indexes.get(table) ?? []).filter(
      ([partition, sort]) =>
        entry.item[partition] !== undefined && (sort === undefined || entry.item[sort] !== undefined),
    )
    storedBytes += (entry.bytes + 100) * (1 + inIndexes.length)
  }
  return { byStep, storedBytes }
}

/** How long the authorizer's work takes against DynamoDB Local: `authenticate` with its real dependencies. */
export const authorizerMs = async (env: Record<string, string>, caller: ParticipantKey, calls = 30) => {
  const settings = parseConfig(env)
  const client = dynamodbClient(settings)
  const { trust } = storeDependencies(settings, client)
  const samples: number[] = []
  for (let i = 0; i < calls; i++) {
    const token = await requestToken(caller, settings.EXCHANGE_ID)
    const started = performance.now()
    await authenticate(trust, `Bearer ${token}`)
    samples.push(performance.now() - started)
  }
  client.destroy()
  // The first calls warm the verifier's key cache and the connection.
  return summarize(samples.slice(5))
}

/** A function's memory as `infra/exchange-function.ts` sets it: 1,769 MB for document handlers, else 512 MB. */
const memoryMb = (grants: readonly Grant[]) => (grants.includes('staging:read') ? 1769 : 512)

const routeMemory = new Map<string, number>(
  routeList.map((route) => [`${route.method} ${route.path}`, memoryMb(route.grants)]),
)

/** The accepting window's two messages (`case.accepted`, `case.approved`) are pulled and acked like the home's two. */
const drainSteps: readonly Step[] = ['pull', 'ack']

/**
 * Benchmark 7: DynamoDB capacity per handoff step from the recorded cycle's item sizes, and the
 * cost of 1,000 handoffs on AWS at on-demand list prices, with every assumption written out.
 */
export const handoffCapacity = async (
  recording: HandoffRecording,
  env: Record<string, string>,
): Promise<Section[]> => {
  const { byStep, storedBytes } = capacityOf(recording.calls, env)
  const authorizer = await authorizerMs(env, recording.caller)
  const authorizerMb = memoryMb(authorizerGrants)
  const perStep = steps.map((step) => {
    const calls = recording.calls.filter((call) => call.step === step)
    const runs = recording.runs.filter((run) => run.step === step)
    const requests = runs.length / recording.cycles
    const handlerGbSeconds =
      runs.reduce(
        (sum, run) => sum + (run.durationMs / 1000) * ((routeMemory.get(run.route) ?? 512) / 1024),
        0,
      ) / recording.cycles
    const gbSeconds = handlerGbSeconds + requests * (authorizer.mean / 1000) * (authorizerMb / 1024)
    const s3 = (operations: string[]) =>
      calls.filter((call) => call.store !== 'dynamodb' && operations.includes(call.operation)).length
    const urlBytes = (operation: string) =>
      calls
        .filter((call) => call.store === 's3-url' && call.operation === operation)
        .reduce((sum, call) => sum + Number(call.input.bytes), 0)
    return {
      step,
      capacity: byStep.get(step) ?? { writeUnits: 0, indexWriteUnits: 0, readUnits: 0 },
      requests,
      gbSeconds,
      s3PutCopy: s3(['PutObject', 'CopyObject']),
      s3Get: s3(['GetObject']),
      downloadBytes: urlBytes('GetObject'),
      sealedBytes: calls
        .filter(
          (call) =>
            call.store === 's3' && (call.operation === 'PutObject' || call.operation === 'CopyObject'),
        )
        .reduce((sum, call) => sum + (call.input.Body instanceof Uint8Array ? call.input.Body.length : 0), 0),
      stagedBytes: urlBytes('PutObject'),
    }
  })
  const total = (pick: (row: (typeof perStep)[number]) => number, extra: readonly Step[] = drainSteps) =>
    perStep.reduce((sum, row) => sum + pick(row) * (extra.includes(row.step) ? 2 : 1), 0)
  const writes = total((row) => row.capacity.writeUnits + row.capacity.indexWriteUnits)
  const reads = total((row) => row.capacity.readUnits)
  const requests = total((row) => row.requests)
  const gbSeconds = total((row) => row.gbSeconds)
  const s3PutCopy = total((row) => row.s3PutCopy, [])
  const s3Get = total((row) => row.s3Get, [])
  const staged = total((row) => row.stagedBytes, [])
  // The sealed bucket keeps the copies of the staged documents (the copies carry no body in the
  // request) and the package.json files; the result document is among the staged.
  const sealed = staged + total((row) => row.sealedBytes, [])
  const downloaded = total((row) => row.downloadBytes, [])
  const kms = { sign: 3, generateDataKey: 1, decrypt: 0 }
  const capacityRows = perStep.map((row) => [
    row.step,
    figure(row.capacity.writeUnits, 0),
    figure(row.capacity.indexWriteUnits, 0),
    figure(row.capacity.readUnits),
    figure(row.requests, 0),
    figure(row.s3PutCopy, 0),
    figure(row.s3Get, 0),
    figure(row.gbSeconds, 3),
  ])
  const capacity: Section = {
    title: 'DynamoDB capacity, requests and Lambda time per handoff step',
    about: [
      'From the store calls of the recorded steady-state cycle of the handoff benchmark: request units',
      "by DynamoDB's item-size rules (see `capacityOf` in `bench/capacity.ts`) computed from the items",
      'as sent and as answered, per step; S3 requests (SDK and presigned URLs); API requests; and Lambda',
      "GB-seconds from the handlers' own logged durations (mean over every timed exchange cycle) at the",
      `memory \`infra/exchange-function.ts\` gives them, plus the authorizer (${figure(authorizer.mean)} ms mean` +
        ` of \`authenticate\` against DynamoDB Local, ${authorizerMb} MB) for every request.`,
    ],
    columns: [
      { title: 'step', align: 'left' },
      { title: 'WRU table' },
      { title: 'WRU indexes' },
      { title: 'RRU' },
      { title: 'API requests' },
      { title: 'S3 PUT/COPY' },
      { title: 'S3 GET' },
      { title: 'Lambda GB-s' },
    ],
    rows: [
      ...capacityRows,
      [
        'accepting drains its 2 messages (modelled)',
        figure(
          drainSum(perStep, (row) => row.capacity.writeUnits),
          0,
        ),
        figure(
          drainSum(perStep, (row) => row.capacity.indexWriteUnits),
          0,
        ),
        figure(drainSum(perStep, (row) => row.capacity.readUnits)),
        figure(
          drainSum(perStep, (row) => row.requests),
          0,
        ),
        '0',
        '0',
        figure(
          drainSum(perStep, (row) => row.gbSeconds),
          3,
        ),
      ],
      [
        'one handoff',
        figure(
          total((row) => row.capacity.writeUnits),
          0,
        ),
        figure(
          total((row) => row.capacity.indexWriteUnits),
          0,
        ),
        figure(reads),
        figure(requests, 0),
        figure(s3PutCopy, 0),
        figure(s3Get, 0),
        figure(gbSeconds, 3),
      ],
    ],
    goals: [],
    notes: [
      'Transactional writes count twice; index writes are counted at the standard rate (one per 1 KB of the' +
        ' item, two when its index key moves). Strongly consistent reads (every read but the pullable-index' +
        ' Query) count one unit per 4 KB, at least one per request.',
      'The accepting window pulls and acks the `case.accepted` and `case.approved` each case sends it; the' +
        " benchmark does not, so that row repeats the home's pull and ack steps (two messages each).",
      `Storage left behind per handoff (items still present, 100 bytes of overhead each, index copies): ${figure(storedBytes / 1000)} KB.`,
    ],
  }
  const per1000 = (units: number, price: number) => units * price * 1000
  const lines: [string, string, string, number][] = [
    [
      'DynamoDB write request units',
      figure(writes, 0),
      '$0.625 per million',
      per1000(writes, prices.dynamodbWriteUnit),
    ],
    [
      'DynamoDB read request units',
      figure(reads),
      '$0.125 per million',
      per1000(reads, prices.dynamodbReadUnit),
    ],
    [
      'DynamoDB storage + PITR, per month kept',
      `${figure(storedBytes / 1000)} KB`,
      '$0.25 + $0.20 per GB-month',
      per1000(storedBytes / gb, prices.dynamodbStorageGbMonth + prices.dynamodbBackupGbMonth),
    ],
    [
      'S3 PUT and COPY requests',
      figure(s3PutCopy, 0),
      '$0.005 per 1,000',
      per1000(s3PutCopy, prices.s3PutCopy),
    ],
    ['S3 GET requests', figure(s3Get, 0), '$0.0004 per 1,000', per1000(s3Get, prices.s3Get)],
    [
      'S3 sealed storage, 12 months (the Object Lock retention)',
      `${figure(sealed / 1e6, 2)} MB`,
      '$0.023 per GB-month',
      per1000((sealed / gb) * 12, prices.s3StorageGbMonth),
    ],
    [
      'S3 staging storage, ~2 days (expiry after 1 day, noncurrent version 1 day more)',
      `${figure(staged / 1e6, 2)} MB`,
      '$0.023 per GB-month',
      per1000((staged / gb) * (2 / 30), prices.s3StorageGbMonth),
    ],
    [
      'KMS Sign (ECC P-256): receipt, 2 seals',
      String(kms.sign),
      '$0.15 per 10,000',
      per1000(kms.sign, prices.kmsAsymmetricSign),
    ],
    [
      'KMS GenerateDataKey (personal data); Decrypt: none in the cycle',
      String(kms.generateDataKey + kms.decrypt),
      '$0.03 per 10,000',
      per1000(kms.generateDataKey + kms.decrypt, prices.kmsSymmetric),
    ],
    [
      'API Gateway HTTP API requests',
      figure(requests, 0),
      '$1.00 per million',
      per1000(requests, prices.apiGatewayHttpRequest),
    ],
    [
      'Lambda invocations (authorizer + handler per request)',
      figure(2 * requests, 0),
      '$0.20 per million',
      per1000(2 * requests, prices.lambdaRequest),
    ],
    [
      'Lambda compute, arm64',
      `${figure(gbSeconds, 3)} GB-s`,
      '$0.0000133334 per GB-s',
      per1000(gbSeconds, prices.lambdaArmGbSecond),
    ],
    [
      'Data transfer out, if the home downloads from outside AWS',
      `${figure(downloaded / 1e6, 2)} MB`,
      '$0.09 per GB',
      per1000(downloaded / gb, prices.dataTransferOutGb),
    ],
  ]
  const sum = lines.reduce((total, line) => total + line[3], 0)
  const cost: Section = {
    title: 'Cost per 1,000 handoffs on AWS (estimate)',
    about: [
      `On-demand list prices, ${prices.region}, as published in 2025 and NOT checked against the live`,
      'price list: check them (and use the China (Ningxia) price list, in CNY, for a cn-northwest-1',
      'deployment) before quoting. Quantities per handoff from the table above and the recorded cycle.',
    ],
    columns: [
      { title: 'item', align: 'left' },
      { title: 'per handoff' },
      { title: 'unit price', align: 'left' },
      { title: 'USD per 1,000 handoffs' },
    ],
    rows: [
      ...lines.map(([item, quantity, price, cost]) => [item, quantity, price, figure(cost, 4)]),
      ['total', '', '', figure(sum, 4)],
    ],
    goals: [],
    notes: [
      'Not included: free tiers; KMS keys ($1 per key-month, three keys); CloudWatch Logs (one JSON line' +
        ' per request, plus the Lambda runtime lines and API access logs) and S3 server access logs;' +
        ' S3 requests to the storage KMS key (bucket keys make them rare); cold starts (see the import' +
        ' times); retries after lost races (none in this sequential run); the accepting window downloading' +
        ' the result.',
      'Lambda durations are those measured here, against DynamoDB Local and s3rver on a loaded 2-core' +
        ' machine; on AWS each store call is a few milliseconds and the compute line would be smaller.',
    ],
  }
  return [capacity, cost]
}

/** The accepting window's drain, modelled as one more pull and ack step of two messages each. */
const drainSum = <R extends { step: Step }>(rows: readonly R[], pick: (row: R) => number) =>
  rows.filter((row) => drainSteps.includes(row.step)).reduce((sum, row) => sum + pick(row), 0)
