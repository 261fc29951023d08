import { DomainError } from '../errors.js'
import type { ChainReader, Change, ChangeWriter } from '../store/changes.js'
import { WriteConflict } from '../store/changes.js'
import { type AuditDraft, appendToChain, type ChainHead, chainOf } from './audit-event.js'

/** What an audited write needs: the store, the chain heads, a clock and event ids. */
export type AuditedWriteDeps = {
  writer: ChangeWriter
  chains: ChainReader
  clock: () => Date
  /**
   * The clock that stamps audit events: when the write really happens, whatever clock the use case
   * reasons with (a supervision run or a test may reason about another day). Defaults to `clock`.
   */
  stamp?: () => Date
  newEventId: () => string
}

/** A state change and the events that record it (a read may be only an event); neither means nothing to write. */
export type AuditedChange<T> = { changes: Change[]; audit: AuditDraft[]; result: T }

/** Decides what a failed condition means: try again from a fresh read, or refuse the caller. */
export type ConflictPolicy = (change: Change) => 'retry' | DomainError

const retryAll: ConflictPolicy = () => 'retry'
const maxAttempts = 8

/**
 * Builds a change from fresh reads, links its audit events to their chains and writes both in one
 * atomic commit. A lost race (a record or chain head moved underneath) rebuilds from fresh reads,
 * so concurrent writers serialise instead of failing; the policy may turn a conflict into a refusal.
 */
export const commitAudited = async <T>(
  deps: AuditedWriteDeps,
  build: () => Promise<AuditedChange<T>>,
  onConflict: ConflictPolicy = retryAll,
): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    const { changes, audit, result } = await build()
    if (changes.length === 0 && audit.length === 0) return result
    const events = await linkEvents(deps, audit)
    try {
      await deps.writer.commit([...changes, ...events])
      return result
    } catch (error) {
      if (!(error instanceof WriteConflict)) throw error
      const verdict =
        error.reason === 'contention' || error.change.kind === 'append-event'
          ? 'retry'
          : onConflict(error.change)
      if (verdict !== 'retry') throw verdict
      if (attempt >= maxAttempts) {
        throw new DomainError('unavailable', 'Too many concurrent writes; retry the request.', {
          cause: error,
        })
      }
    }
  }
}

const linkEvents = async (deps: AuditedWriteDeps, drafts: AuditDraft[]): Promise<Change[]> => {
  const heads = new Map<string, ChainHead | undefined>()
  const at = (deps.stamp ?? deps.clock)().toISOString()
  const changes: Change[] = []
  for (const draft of drafts) {
    const chain = chainOf(draft)
    if (!heads.has(chain)) heads.set(chain, await deps.chains.head(chain))
    const previous = heads.get(chain)
    const { event, head } = appendToChain(previous, draft, { eventId: deps.newEventId(), at })
    heads.set(chain, head)
    changes.push({ kind: 'append-event', event, head, previousSeq: previous?.seq ?? 0 })
  }
  return changes
}
