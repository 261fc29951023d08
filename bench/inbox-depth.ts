import { randomUUID } from 'node:crypto'
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb'
import { dynamodbChangeWriter } from '#functions/adapters/dynamodb-change-writer.js'
import { uuidV7 } from '#functions/adapters/uuid-v7.js'
import { parseConfig } from '#functions/config.js'
import { dynamodbClient, storeDependencies } from '#functions/dependencies/stores.js'
import { caseIdOf } from '#shared/cases/submit-case.js'
import { ackMessages } from '#shared/inbox/ack-messages.js'
import { enqueue } from '#shared/inbox/enqueue.js'
import type { NewMessage } from '#shared/inbox/inbox-message.js'
import { pullMessages } from '#shared/inbox/pull-messages.js'
import type { Principal } from '#shared/trust/principal.js'
import { callsPerSide, compare, summarize } from './measure.js'
import { figure, type Section, times } from './report.js'

type Item = Record<string, AttributeValue>

/** How many messages wait in each of the two inboxes, as the issue sets them. */
const depths = { small: 100, large: 100_000 }

/** Messages per pull (the issue's `max: 10`), each acked in the same call. */
const max = 10

const plan = { warmup: 3, rounds: 20, perRound: 2 }

/** Where the pulls will reach in the large inbox: the oldest this many messages, with room to spare. */
const reached = 2 * (callsPerSide(plan) * max + 2 * max)

/** Noise band for the goal: the pooled ratio of medians within it, and 1 within the per-round range. */
const band = { low: 0.8, high: 1.25 }

/** Writes `items` with BatchWriteItem, 25 at a time, `workers` requests in flight, retrying what comes back unprocessed. */
const batchPut = async (client: DynamoDBClient, table: string, items: readonly Item[], workers = 16) => {
  let next = 0
  const worker = async () => {
    for (let start = next; start < items.length; start = next) {
      next += 25
      let pending: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {
        [table]: items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })),
      }
      while (pending !== undefined && (pending[table]?.length ?? 0) > 0) {
        const answer = await client.send(new BatchWriteItemCommand({ RequestItems: pending }))
        pending = answer.UnprocessedItems as typeof pending
      }
    }
  }
  await Promise.all(Array.from({ length: workers }, worker))
}

/**
 * Benchmark 6: `pullMessages` (max 10) and `ackMessages` of what it leased, against DynamoDB Local,
 * for a recipient with 100 waiting messages and one with 100,000, interleaved; after each call the
 * messages acked are replaced, so both inboxes keep their depth.
 */
export const inboxDepth = async (
  env: Record<string, string>,
  progress: (message: string) => void,
): Promise<Section> => {
  const settings = parseConfig(env)
  const client = dynamodbClient(settings)
  const { inbox: deps } = storeDependencies(settings, client)
  const tables = { state: settings.STATE_TABLE, audit: settings.AUDIT_TABLE, inbox: settings.INBOX_TABLE }
  // The real enqueue and change writer build each message's items; a client that keeps the
  // transaction instead of sending it hands them over for BatchWriteItem, which DynamoDB Local
  // takes far faster than 100,000 transactions.
  const captured: TransactWriteItem[][] = []
  const capturing = {
    send: async (command: { input: { TransactItems?: TransactWriteItem[] } }) => {
      captured.push(command.input.TransactItems ?? [])
      return {}
    },
  } as unknown as DynamoDBClient
  const writer = dynamodbChangeWriter(capturing, tables)
  const message = (recipient: string, caseId: string): NewMessage => ({
    recipient,
    type: 'case.submitted',
    caseId,
    home: recipient,
    version: 1,
    body: { itemCode: 'item-bench', mode: 'proxy', packageId: `pkg-${'a'.repeat(26)}` },
  })
  /** The message and order items of one new case's first message, visible from `at`. */
  const itemsOf = async (recipient: string, caseId: string, at: Date) => {
    const changes = await enqueue(
      { inbox: { order: async () => undefined }, clock: () => at, newMessageId: () => uuidV7(at) },
      [message(recipient, caseId)],
    )
    await writer.commit(changes)
    const [messageItem, orderItem] = (captured.pop() ?? []).map((item) => item.Put?.Item ?? {})
    if (messageItem === undefined || orderItem === undefined) throw new Error('enqueue wrote no message')
    return { messageItem, orderItem }
  }
  const fill = async (recipient: string, count: number, ordersFor: number) => {
    const items: Item[] = []
    const oldest = Date.now() - 86_400_000
    for (let i = 0; i < count; i++) {
      const { messageItem, orderItem } = await itemsOf(
        recipient,
        caseIdOf(recipient, `fill-${i}`),
        new Date(oldest + i),
      )
      items.push(messageItem)
      if (i < ordersFor) items.push(orderItem)
    }
    await batchPut(client, settings.INBOX_TABLE, items)
  }
  const recipients = {
    small: `bench-inbox-${randomUUID().slice(0, 8)}`,
    large: `bench-inbox-${randomUUID().slice(0, 8)}`,
  }
  const started = performance.now()
  await fill(recipients.small, depths.small, depths.small)
  progress(`filling an inbox with ${figure(depths.large, 0)} messages`)
  await fill(recipients.large, depths.large, reached)
  const fillSeconds = (performance.now() - started) / 1000

  const pulls = { small: [] as number[], large: [] as number[] }
  const acks = { small: [] as number[], large: [] as number[] }
  const pullAndAck = (side: keyof typeof depths) => async (index: number) => {
    const caller: Principal = { participant: recipients[side], sub: 'bench', roles: ['home'] }
    const pullStarted = performance.now()
    const { messages } = await pullMessages(deps, { recipient: caller.participant, max, leaseSeconds: 60 })
    const pulled = performance.now()
    const { acked } = await ackMessages(deps, { caller, leases: messages.map((leased) => leased.lease) })
    if (messages.length !== max || acked !== max) throw new Error(`pulled ${messages.length}, acked ${acked}`)
    if (index >= plan.warmup) {
      pulls[side].push(pulled - pullStarted)
      acks[side].push(performance.now() - pulled)
    }
  }
  const refill = (side: keyof typeof depths) => async () => {
    const items: Item[] = []
    for (let i = 0; i < max; i++) {
      const { messageItem, orderItem } = await itemsOf(
        recipients[side],
        caseIdOf(recipients[side], randomUUID()),
        new Date(),
      )
      items.push(messageItem, orderItem)
    }
    await batchPut(client, settings.INBOX_TABLE, items)
  }
  progress('pulling and acking both inboxes')
  const result = await compare({
    ...plan,
    baseline: pullAndAck('small'),
    subject: pullAndAck('large'),
    reset: { baseline: refill('small'), subject: refill('large') },
  })
  client.destroy()
  const ms = (samples: readonly number[]) => summarize(samples)
  const met =
    result.ratio >= band.low &&
    result.ratio <= band.high &&
    result.roundRatios.min <= 1 &&
    result.roundRatios.max >= 1
  const row = (side: keyof typeof depths, pullAck: { median: number; p99: number }, ratio: string) => [
    figure(depths[side], 0),
    figure(ms(pulls[side]).median),
    figure(ms(pulls[side]).p99),
    figure(ms(acks[side]).median),
    figure(ms(acks[side]).p99),
    figure(pullAck.median / 1000),
    figure(pullAck.p99 / 1000),
    ratio,
  ]
  return {
    title: 'Inbox pull and ack with 100 vs 100,000 waiting messages',
    about: [
      '`pullMessages` (max 10) then `ackMessages` of the ten leases, with the dependencies the functions',
      'build (`storeDependencies(...).inbox`), against DynamoDB Local: one recipient with 100 waiting',
      'messages, one with 100,000, each message the first of its own case, so every one is pullable.',
      `${plan.rounds} alternating rounds of ${plan.perRound} calls per side after ${plan.warmup} warm-up calls; after each call ten`,
      'new messages replace the ten acked (untimed), so both inboxes keep their depth. Times in ms.',
    ],
    columns: [
      { title: 'waiting' },
      { title: 'pull p50' },
      { title: 'pull p99' },
      { title: 'ack p50' },
      { title: 'ack p99' },
      { title: 'pull+ack p50' },
      { title: 'pull+ack p99' },
      { title: 'ratio to 100 (per round)', align: 'left' },
    ],
    rows: [
      row('small', result.baseline, '1.00×'),
      row(
        'large',
        result.subject,
        `${times(result.ratio)} (${times(result.roundRatios.min)}–${times(result.roundRatios.max)})`,
      ),
    ],
    goals: [
      {
        text:
          `inbox pull+ack costs the same with 100,000 waiting messages as with 100, read as a ratio of medians within ${times(band.low)}–${times(band.high)} ` +
          `and 1 within the per-round range (${times(result.ratio)}, rounds ${times(result.roundRatios.min)}–${times(result.roundRatios.max)})`,
        met,
      },
    ],
    notes: [
      `Filling took ${figure(fillSeconds, 0)} s. The messages were built by the real \`enqueue\` and change writer` +
        ' (their items taken from the transaction the writer would send) and written with BatchWriteItem:' +
        ' 100,000 transactions take DynamoDB Local far too long. Case-order items were written for the 100' +
        ` and for the oldest ${figure(reached, 0)} of the 100,000, the only ones this run can pull and ack;` +
        ' the others have none, which no pull reads.',
      `CPU per call (this process): ${figure(result.cpu.baseline / 1000)} ms with 100 waiting, ${figure(result.cpu.subject / 1000)} ms with 100,000 (${times(result.cpu.ratio)}).`,
      'A pull reads one page of the `pullable` index (Limit 20) and leases ten messages; an ack of ten' +
        ' is ten of (Query of the case queue, GetItem of the chain head, a four-item transaction).',
    ],
  }
}
