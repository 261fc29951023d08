import type { AuditEvent, ChainHead } from '#shared/audit/audit-event.js'
import type { PublicJwks } from '#shared/registry/jwks.js'
import type { RegistryDeps } from '#shared/registry/register-participant.js'
import {
  type ChainReader,
  type Change,
  type ChangeWriter,
  type Collection,
  type Namespace,
  type Page,
  type RecordReader,
  type Stored,
  WriteConflict,
} from '#shared/store/changes.js'
import type { ReplayGuard } from '#shared/trust/authenticate.js'

/** A failure the next commit answers instead of writing: a conflict on a chosen change, or any error. */
export type InjectedFailure =
  | { reason: 'condition' | 'contention'; on?: (change: Change) => boolean }
  | { error: Error }

/** Values go through JSON on the way in and out, as they do through the DynamoDB adapters. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

/**
 * The registry's state, chain heads and audit events in memory, with the semantics of
 * `functions/adapters/dynamodb-change-writer.ts`: every condition checked before anything is
 * written, one head update per chain per commit, and a `WriteConflict` naming the first change
 * whose condition failed (a head's failure names the chain's last append-event).
 */
export class InMemoryStores implements RecordReader, ChainReader, ChangeWriter {
  readonly records = new Map<string, Stored<unknown>>()
  /** Claimed names per namespace, each with its owner. */
  readonly namespaces = new Map<string, Map<string, string>>()
  readonly heads = new Map<string, ChainHead>()
  readonly events = new Map<string, AuditEvent[]>()
  /** Every change list handed to `commit`, written or not. */
  readonly attempts: Change[][] = []
  /** The change lists that were written. */
  readonly committed: Change[][] = []
  private readonly failures: InjectedFailure[] = []

  /** Makes the next commit (or the next ones, when called again) fail without writing. */
  failNextCommit(failure: InjectedFailure): void {
    this.failures.push(failure)
  }

  /** Puts a record in place directly, as an earlier deployment would have left it. */
  seed<T extends { version: number }>(collection: Collection, id: string, value: T): void {
    this.records.set(`${collection}|${id}`, { value: copy(value), version: value.version })
  }

  async get<T>(collection: Collection, id: string): Promise<Stored<T> | undefined> {
    const stored = this.records.get(`${collection}|${id}`)
    return stored === undefined ? undefined : (copy(stored) as Stored<T>)
  }

  /** Lists in id order; like a DynamoDB Query with `Limit`, a full page names its last key as `next`. */
  async list<T>(
    collection: Collection,
    page: { limit: number; after: string | undefined },
  ): Promise<Page<T>> {
    const prefix = `${collection}|`
    const ids = [...this.records.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length))
      .sort()
      .filter((id) => page.after === undefined || id > page.after)
    const taken = ids.slice(0, page.limit)
    const values = taken.map((id) => copy(this.records.get(`${prefix}${id}`)?.value) as T)
    return { values, next: ids.length > page.limit ? taken.at(-1) : undefined }
  }

  /** The key ids claimed so far, each with its owner. */
  get kids(): Map<string, string> {
    return this.space('kid')
  }

  private space(namespace: string): Map<string, string> {
    const names = this.namespaces.get(namespace) ?? new Map<string, string>()
    this.namespaces.set(namespace, names)
    return names
  }

  async names(namespace: Namespace): Promise<string[]> {
    return [...this.space(namespace).keys()].sort()
  }

  async head(chain: string): Promise<ChainHead | undefined> {
    const head = this.heads.get(chain)
    return head === undefined ? undefined : { ...head }
  }

  /** The events of one chain in order. */
  chain(chain: string): AuditEvent[] {
    return copy(this.events.get(chain) ?? [])
  }

  async commit(changes: readonly Change[]): Promise<void> {
    this.attempts.push([...changes])
    const failure = this.failures.shift()
    if (failure !== undefined) {
      if ('error' in failure) throw failure.error
      const culprit = changes.find(failure.on ?? (() => true))
      if (culprit === undefined) throw new Error('the injected failure names no change of this commit')
      throw new WriteConflict(culprit, failure.reason)
    }
    const checks = this.checks(changes)
    const touched = new Set<string>()
    for (const { item } of checks) {
      // DynamoDB refuses a transaction with two operations on one item (a ValidationException).
      if (touched.has(item)) throw new Error(`two operations on ${item} in one transaction`)
      touched.add(item)
    }
    const failed = checks.find(({ holds }) => !holds)
    if (failed !== undefined) throw new WriteConflict(failed.change, 'condition')
    for (const { apply } of checks) apply()
    this.committed.push([...changes])
  }

  /** One transaction item per change, then one head item per chain, each with its condition. */
  private checks(changes: readonly Change[]) {
    const items: { change: Change; item: string; holds: boolean; apply: () => void }[] = []
    const heads = new Map<string, { first: number; last: ChainHead; change: Change }>()
    for (const change of changes) {
      switch (change.kind) {
        case 'put-record': {
          const key = `${change.collection}|${change.id}`
          const stored = this.records.get(key)
          items.push({
            change,
            item: key,
            holds:
              change.expectedVersion === 0
                ? stored === undefined
                : stored?.version === change.expectedVersion,
            apply: () => this.records.set(key, { value: copy(change.value), version: change.version }),
          })
          break
        }
        case 'claim': {
          const owner = this.space(change.namespace).get(change.name)
          items.push({
            change,
            item: `${change.namespace}|${change.name}`,
            holds: owner === undefined || owner === change.owner,
            apply: () => this.space(change.namespace).set(change.name, change.owner),
          })
          break
        }
        case 'release':
          items.push({
            change,
            item: `${change.namespace}|${change.name}`,
            holds: this.space(change.namespace).get(change.name) === change.owner,
            apply: () => this.space(change.namespace).delete(change.name),
          })
          break
        case 'append-event': {
          const chain = change.head.chain
          items.push({
            change,
            item: `chain#${chain}|event#${change.head.seq}`,
            holds: (this.events.get(chain)?.length ?? 0) < change.head.seq,
            apply: () => this.events.set(chain, [...(this.events.get(chain) ?? []), copy(change.event)]),
          })
          const seen = heads.get(change.head.chain)
          heads.set(change.head.chain, {
            first: seen?.first ?? change.previousSeq,
            last: change.head,
            change,
          })
          break
        }
      }
    }
    for (const { first, last, change } of heads.values()) {
      const current = this.heads.get(last.chain)
      items.push({
        change,
        item: `chain#${last.chain}|head`,
        holds: first === 0 ? current === undefined : current?.seq === first,
        apply: () => this.heads.set(last.chain, { ...last }),
      })
    }
    return items
  }
}

/** A replay guard that remembers spent token ids in a set and records every claim it is asked for. */
export class InMemoryReplayGuard implements ReplayGuard {
  readonly spent = new Set<string>()
  readonly claims: { issuer: string; jti: string; expiresAt: Date }[] = []

  async claim(issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
    this.claims.push({ issuer, jti, expiresAt })
    const key = `${issuer}#${jti}`
    if (this.spent.has(key)) return false
    this.spent.add(key)
    return true
  }
}

/** A clock that stands still until a test moves it by whole seconds. */
export type FixedClock = (() => Date) & { advance: (seconds: number) => void }

/** A clock that stands still until a test moves it. */
export const fixedClock = (iso: string): FixedClock => {
  let now = new Date(iso)
  const clock = () => new Date(now)
  return Object.assign(clock, {
    advance: (seconds: number) => {
      now = new Date(now.getTime() + seconds * 1000)
    },
  })
}

/** Event ids in sequence, so tests can name them. */
export const sequentialIds = (prefix = 'event') => {
  let next = 0
  return () => `${prefix}-${String(++next).padStart(4, '0')}`
}

/** An admin JWKS for tests that never verify a signature with it. */
export const placeholderAdminJwks: PublicJwks = {
  keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43), kid: 'admin-placeholder' }],
}

/** Everything a registry use case needs, over one in-memory store. */
export const registryDeps = (
  stores: InMemoryStores = new InMemoryStores(),
  options: { now?: string; adminJwks?: PublicJwks } = {},
): RegistryDeps & { stores: InMemoryStores; adminJwks: PublicJwks; clock: FixedClock } => ({
  stores,
  records: stores,
  writer: stores,
  chains: stores,
  clock: fixedClock(options.now ?? '2026-11-21T01:30:00.000Z'),
  newEventId: sequentialIds(),
  adminJwks: options.adminJwks ?? placeholderAdminJwks,
})
