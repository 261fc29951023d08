import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { S3Client } from '@aws-sdk/client-s3'

/** The store a call went to: DynamoDB and S3 through the SDK, or S3 through a presigned URL. */
export type Store = 'dynamodb' | 's3' | 's3-url'

/** One store call as sent and as answered: what the capacity figures are computed from. */
export type StoreCall = {
  store: Store
  /** The SDK command without `Command` (`TransactWriteItems`), or what a presigned URL does (`PutObject`). */
  operation: string
  input: Record<string, unknown>
  output: Record<string, unknown> | undefined
  /** The error's name when the call failed (a lost transaction, a failed condition). */
  failed: string | undefined
  /** The step of the benchmark that was running when the call started. */
  step: string
}

type Send = (
  this: unknown,
  command: { input: Record<string, unknown> },
  ...rest: unknown[]
) => Promise<unknown>

/**
 * Records every DynamoDB and S3 SDK call made in this process (the local gateway runs the handler
 * modules in-process, so the exchange's own calls are among them) by giving both client classes
 * a `send` that notes the call and delegates to the SDK's. `stop` puts the classes back.
 */
export const recordStoreCalls = () => {
  const calls: StoreCall[] = []
  let step = '(none)'
  let recording = false
  const patched: { target: object; store: Store }[] = [
    { target: DynamoDBClient.prototype, store: 'dynamodb' },
    { target: S3Client.prototype, store: 's3' },
  ]
  for (const { target, store } of patched) {
    const original = (Object.getPrototypeOf(target) as { send: Send }).send
    const send: Send = async function (this: unknown, command, ...rest) {
      if (!recording) return original.call(this, command, ...rest)
      const call: StoreCall = {
        store,
        operation: command.constructor.name.replace(/Command$/, ''),
        input: command.input,
        output: undefined,
        failed: undefined,
        step,
      }
      calls.push(call)
      try {
        const output = await original.call(this, command, ...rest)
        call.output = output as Record<string, unknown>
        return output
      } catch (error) {
        call.failed = (error as { name?: string }).name ?? 'Error'
        throw error
      }
    }
    Object.defineProperty(target, 'send', { value: send, configurable: true, writable: true })
  }
  return {
    /** Starts (or resumes) recording, attributing calls to `name` until the next `step`. */
    step(name: string) {
      step = name
      recording = true
    },
    /** Notes a request to a presigned S3 URL, which bypasses the SDK. */
    url(operation: 'PutObject' | 'GetObject', bytes: number) {
      if (recording)
        calls.push({
          store: 's3-url',
          operation,
          input: { bytes },
          output: undefined,
          failed: undefined,
          step,
        })
    },
    pause() {
      recording = false
    },
    /** The calls recorded since the last `take`. */
    take(): StoreCall[] {
      return calls.splice(0)
    },
    stop() {
      recording = false
      for (const { target } of patched) delete (target as { send?: unknown }).send
    },
  }
}

export type StoreCallRecorder = ReturnType<typeof recordStoreCalls>

/**
 * How a call is named in the tables: the operation, and for a transaction its item count. With
 * `asSdk`, a presigned-URL request is named as the SDK call it stands for.
 */
export const callName = (call: StoreCall, asSdk = false): string => {
  if (call.store === 's3-url') return asSdk ? `S3 ${call.operation}` : `S3 ${call.operation} (presigned URL)`
  if (call.store === 's3') return `S3 ${call.operation}`
  const items = call.input.TransactItems
  return Array.isArray(items) ? `TransactWriteItems(${items.length})` : call.operation
}

/** The calls of each step, counted by name: `{ upload: { 'GetItem': 3, ... } }`, in first-seen order. */
export const countByStep = (calls: readonly StoreCall[], asSdk = false) => {
  const steps = new Map<string, Map<string, number>>()
  for (const call of calls) {
    const names = steps.get(call.step) ?? new Map<string, number>()
    const name = callName(call, asSdk)
    names.set(name, (names.get(name) ?? 0) + 1)
    steps.set(call.step, names)
  }
  return steps
}

/** One step's counts as text, e.g. `GetItem ×3, TransactWriteItems(5) ×1`, sorted by name. */
export const describeCounts = (counts: ReadonlyMap<string, number> | undefined) =>
  [...(counts ?? new Map<string, number>())]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, count]) => `${name} ×${count}`)
    .join(', ')
