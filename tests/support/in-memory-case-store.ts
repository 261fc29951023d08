import type {
  CaseListing,
  CasePosition,
  CaseReader,
  CaseRecord,
  StoredCase,
  StoredLeg,
} from '#shared/cases/stored-case.js'
import { type Change, type ChangeWriter, WriteConflict } from '#shared/store/changes.js'
import { InMemoryInbox } from './in-memory-inbox.js'

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

/**
 * Cases, legs and packages in memory, with the semantics of `dynamodb-case-reader.ts` and the case
 * part of `dynamodb-change-writer.ts`: a case and a reference are written once, a leg only at the
 * version it was read at. Everything else of a commit goes to the inbox (and through it to the
 * registry and audit stores), all conditions checked before anything is written.
 */
export class InMemoryCaseStore implements CaseReader, ChangeWriter {
  readonly cases = new Map<string, StoredCase>()
  readonly legs = new Map<string, StoredLeg>()
  readonly references = new Map<string, { caseId: string; fingerprint: string }>()
  readonly packages = new Map<string, object>()
  /** The put-leg changes written, with the deadline each indexed. */
  readonly legWrites: Extract<Change, { kind: 'put-leg' }>[] = []

  constructor(readonly inbox: InMemoryInbox = new InMemoryInbox()) {}

  /** Puts a case and its legs in place directly, as earlier transitions would have left them. */
  seed(stored: StoredCase, legs: StoredLeg[]): void {
    this.cases.set(stored.caseId, copy(stored))
    for (const leg of legs) this.legs.set(`${leg.caseId}|${leg.home}`, copy(leg))
  }

  /** One leg as stored. */
  leg(caseId: string, home: string): StoredLeg | undefined {
    const leg = this.legs.get(`${caseId}|${home}`)
    return leg === undefined ? undefined : copy(leg)
  }

  async load(caseId: string): Promise<CaseRecord | undefined> {
    const stored = this.cases.get(caseId)
    if (stored === undefined) return undefined
    const legs = [...this.legs.values()].filter((leg) => leg.caseId === caseId)
    return copy({ case: stored, legs })
  }

  async reference(participant: string, acceptingRef: string) {
    const found = this.references.get(`${participant}|${acceptingRef}`)
    return found === undefined ? undefined : { ...found }
  }

  async listByParty(
    role: 'accepting' | 'home',
    participant: string,
    page: { limit: number; after: CasePosition | undefined },
  ): Promise<CaseListing> {
    const ids = [...this.cases.values()]
      .filter((stored) =>
        role === 'accepting' ? stored.accepting === participant : stored.homes.includes(participant),
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((stored) => stored.caseId)
    return { caseIds: ids.slice(0, page.limit) }
  }

  async commit(changes: readonly Change[]): Promise<void> {
    const apply: (() => void)[] = []
    for (const change of changes) {
      switch (change.kind) {
        case 'put-case':
          if (this.cases.has(change.caseId)) throw new WriteConflict(change, 'condition')
          apply.push(() => this.cases.set(change.caseId, copy(change.value) as StoredCase))
          break
        case 'put-leg': {
          const key = `${change.caseId}|${change.home}`
          const stored = this.legs.get(key)
          const holds =
            change.expectedVersion === 0 ? stored === undefined : stored?.version === change.expectedVersion
          if (!holds) throw new WriteConflict(change, 'condition')
          apply.push(() => {
            this.legs.set(key, copy(change.value) as StoredLeg)
            this.legWrites.push(copy(change))
          })
          break
        }
        case 'claim-reference': {
          const key = `${change.participant}|${change.acceptingRef}`
          if (this.references.has(key)) throw new WriteConflict(change, 'condition')
          apply.push(() =>
            this.references.set(key, { caseId: change.caseId, fingerprint: change.fingerprint }),
          )
          break
        }
        case 'put-package': {
          const key = `${change.caseId}|${change.packageId}`
          if (this.packages.has(key)) throw new WriteConflict(change, 'condition')
          apply.push(() => this.packages.set(key, copy(change.value)))
          break
        }
        default:
          break
      }
    }
    await this.inbox.commit(changes)
    for (const step of apply) step()
  }
}
