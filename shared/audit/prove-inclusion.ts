import * as z from 'zod'
import { DomainError, notFound } from '../errors.js'
import type { CaseParties } from '../packages/sealed-package.js'
import type { Principal } from '../trust/principal.js'
import type { TreeReadDeps } from './get-latest-checkpoint.js'
import { inclusionProof } from './merkle.js'
import { proveFromNodes, toHex } from './tree-nodes.js'

/** An event's id as a path parameter. */
export const EventId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { error: 'must be an event id this exchange issued' })

const hexHash = z.string().regex(/^[0-9a-f]{64}$/)

/** `GET /v1/audit/proofs/{eventId}`: an RFC 9162 inclusion proof against the latest checkpoint. */
export const InclusionProof = z
  .object({
    leafIndex: z.number().int().min(0),
    treeSize: z.number().int().min(1).describe('The size of `checkpoint`, which the proof is for.'),
    auditPath: z.array(hexHash).describe('RFC 9162 §2.1.3 inclusion proof, hex, leaf side first.'),
    checkpoint: z
      .string()
      .describe('The latest `exchange-checkpoint+jwt`, whose rootHash the proof leads to.'),
  })
  .meta({ id: 'InclusionProof' })
export type InclusionProof = z.infer<typeof InclusionProof>

/** Finds an event by id: the case it belongs to and, once it is in the tree, its leaf index. */
export interface EventLocator {
  locate(eventId: string): Promise<{ caseId: string | undefined; leafIndex: number | undefined } | undefined>
}

/** What an inclusion proof needs: the tree, the events, and who takes part in which case. */
export type InclusionDeps = TreeReadDeps & { events: EventLocator; parties: CaseParties }

/** Auditors see every event; anyone else only the events of cases it is party to. */
const maySee = async (deps: InclusionDeps, caseId: string | undefined, caller: Principal) => {
  if (caller.roles.includes('auditor')) return true
  if (caseId === undefined) return false
  const parties = await deps.parties.partiesOf(caseId)
  return (
    parties !== undefined &&
    (parties.accepting === caller.participant || parties.homes.includes(caller.participant))
  )
}

/**
 * `GET /v1/audit/proofs/{eventId}`: where the event sits in the latest checkpoint and the path that
 * proves it, read in one batch of O(log n) stored nodes. An event the caller may not see reads as
 * one that does not exist; one not yet in a checkpoint (it will be within a minute or so) as well.
 */
export const proveInclusion = async (
  deps: InclusionDeps,
  input: { eventId: string; caller: Principal },
): Promise<InclusionProof> => {
  const event = await deps.events.locate(input.eventId)
  if (event === undefined || !(await maySee(deps, event.caseId, input.caller))) throw notFound('The event')
  const { checkpoint } = await deps.tree.head()
  const { leafIndex } = event
  if (checkpoint === undefined || leafIndex === undefined || leafIndex >= checkpoint.treeSize) {
    throw new DomainError(
      'not-found',
      'The event is not in a checkpoint yet; the log is checkpointed every minute.',
    )
  }
  const auditPath = await proveFromNodes(deps.tree.nodes, (subtree) =>
    inclusionProof(leafIndex, checkpoint.treeSize, subtree),
  )
  return {
    leafIndex,
    treeSize: checkpoint.treeSize,
    auditPath: auditPath.map(toHex),
    checkpoint: checkpoint.jws,
  }
}
