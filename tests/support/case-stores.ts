import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { chineseDaysCalendar } from '#functions/adapters/chinese-days-calendar.js'
import { caseDependencies } from '#functions/dependencies/cases.js'
import { documentDependencies } from '#functions/dependencies/documents.js'
import { s3Client } from '#functions/dependencies/s3.js'
import { exchangeSigner } from '#functions/dependencies/signer.js'
import { storeDependencies } from '#functions/dependencies/stores.js'
import type { SubmitCaseDeps } from '#shared/cases/submit-case.js'
import type { TransitionDeps } from '#shared/cases/transition-leg.js'
import { enqueue } from '#shared/inbox/enqueue.js'
import type { NewMessage } from '#shared/inbox/inbox-message.js'
import { type SealDeps, type SealInput, sealPackage } from '#shared/packages/seal-package.js'
import { agreementsOf } from '#shared/registry/register-agreement.js'
import type { Principal } from '#shared/trust/principal.js'
import type { Caller } from './exchange-client.js'
import { localDynamodb, localSettings, stateItem } from './local-documents.js'

/** The case use cases' dependencies over the local stack's real stores, as the handlers build them. */
export const localCases = () => caseDependencies(localSettings)

/** A participant as an authenticated caller of a use case. */
export const principalOf = (caller: Caller, roles: Principal['roles'], sub = 'case-system'): Principal => ({
  participant: caller.id,
  sub,
  roles,
})

/** The failure a `FaultPlan` injects: what a store outage looks like to a use case. */
export class InjectedStorageFault extends Error {
  readonly step: number
  readonly port: string
  constructor(step: number, port: string) {
    super(`injected storage failure at step ${step} (${port})`)
    this.name = 'InjectedStorageFault'
    this.step = step
    this.port = port
  }
}

/**
 * Counts every call the wrapped ports receive, in order, and fails the one numbered `failAt` with
 * an `InjectedStorageFault`: before it reaches the store, or (`after`) once the store has done it,
 * as when an answer is lost on the way back.
 */
export class FaultPlan {
  readonly calls: string[] = []
  failAt: number | undefined
  failOn: string | undefined
  after = false

  /** Starts counting afresh, failing call `failAt` (none when undefined). */
  reset(failAt?: number, options: { after?: boolean } = {}): void {
    this.calls.length = 0
    this.failAt = failAt
    this.failOn = undefined
    this.after = options.after ?? false
  }

  /** Starts counting afresh, failing the first call of `port` (e.g. `writer.commit`). */
  failFirst(port: string, options: { after?: boolean } = {}): void {
    this.reset(undefined, options)
    this.failOn = port
  }

  /** Runs one counted call, failing it if it is the one planned. */
  private async step<R>(port: string, run: () => Promise<R>): Promise<R> {
    this.calls.push(port)
    const failing = this.calls.length === this.failAt || port === this.failOn
    if (port === this.failOn) this.failOn = undefined
    if (failing && !this.after) throw new InjectedStorageFault(this.calls.length, port)
    const result = await run()
    if (failing) throw new InjectedStorageFault(this.calls.length, port)
    return result
  }

  /** A port whose every method call is a counted step. */
  port<T extends object>(name: string, target: T): T {
    return new Proxy(target, {
      get: (object, key) => {
        const value = Reflect.get(object, key)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => this.step(`${name}.${String(key)}`, () => value.apply(object, args))
      },
    })
  }

  /** A function port whose every call is a counted step. */
  fn<A extends unknown[], R>(name: string, run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return (...args: A) => this.step(name, () => run(...args))
  }
}

/**
 * The submit and transition dependencies over the real local stores with every port wrapped by
 * `plan`: the registry reads, cases, chains, the writer, the vault, the signer, sealing (and the
 * manifest check, upload records and document store inside it) and enqueuing (and the inbox inside it).
 */
let base:
  | {
      built: ReturnType<typeof caseDependencies>
      sealing: SealDeps
      inbox: ReturnType<typeof storeDependencies>['inbox']
    }
  | undefined

export const faultyCaseDependencies = (plan: FaultPlan) => {
  base ??= {
    built: caseDependencies(localSettings),
    sealing: documentDependencies(localSettings, localDynamodb).sealing(exchangeSigner(localSettings)),
    inbox: storeDependencies(localSettings, localDynamodb).inbox,
  }
  const { built, sealing, inbox } = base
  const records = plan.port('records', built.submit.records)
  const signer = plan.port('signer', built.submit.signer)
  const sealDeps: SealDeps = {
    ...sealing,
    verifier: plan.port('verifier', sealing.verifier),
    uploads: plan.port('uploads', sealing.uploads),
    documents: plan.port('documents', sealing.documents),
    signer,
  }
  const inboxStore = plan.port('inbox', inbox.inbox)
  const writes = {
    ...built.submit,
    records,
    cases: plan.port('cases', built.submit.cases),
    chains: plan.port('chains', built.submit.chains),
    writer: plan.port('writer', built.submit.writer),
    vault: plan.port('vault', built.submit.vault),
    signer,
    seal: plan.fn('seal', (input: SealInput) => sealPackage(sealDeps, input)),
    enqueue: plan.fn('enqueue', (messages: NewMessage[]) =>
      enqueue({ ...inbox, inbox: inboxStore }, messages),
    ),
  }
  const submit: SubmitCaseDeps = {
    ...writes,
    agreementsOf: (participant) => agreementsOf({ records }, participant),
  }
  const transition: TransitionDeps = { ...writes, calendar: { records, builtIn: chineseDaysCalendar() } }
  return { submit, transition, read: built.read }
}

/** The raw reference item of a participant's acceptingRef, if any. */
export const referenceItem = (participant: string, acceptingRef: string) =>
  stateItem({ pk: { S: `ref#${participant}` }, sk: { S: acceptingRef } })

const s3 = s3Client(localSettings)

/** The keys of everything sealed under a case. */
export const sealedKeys = async (caseId: string): Promise<string[]> => {
  const { Contents = [] } = await s3.send(
    new ListObjectsV2Command({ Bucket: localSettings.SEALED_BUCKET, Prefix: `packages/${caseId}/` }),
  )
  return Contents.flatMap((object) => (object.Key === undefined ? [] : [object.Key])).sort()
}

/** Runs `work` over `items`, at most `width` at a time: enough to overlap store round trips. */
export const inBatches = async <T>(
  items: readonly T[],
  width: number,
  work: (item: T, index: number) => Promise<void>,
) => {
  let next = 0
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) await work(items[index] as T, index)
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker))
}
