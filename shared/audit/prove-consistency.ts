import * as z from 'zod'
import { DomainError } from '../errors.js'
import type { TreeReadDeps } from './get-latest-checkpoint.js'
import { consistencyProof } from './merkle.js'
import { proveFromNodes, toHex } from './tree-nodes.js'

const treeSize = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER)

/** `GET /v1/audit/consistency?from=&to=`: two tree sizes, the smaller first. */
export const ConsistencyQuery = z
  .strictObject({
    from: treeSize.describe('The size of the older tree (at least 1).'),
    to: treeSize.describe('The size of the newer tree, at most the latest checkpoint’s treeSize.'),
  })
  .refine((query) => query.from <= query.to, { path: ['to'], error: 'must not be smaller than from' })
export type ConsistencyQuery = z.infer<typeof ConsistencyQuery>

/** `GET /v1/audit/consistency`: an RFC 9162 consistency proof. */
export const ConsistencyProof = z
  .object({
    proof: z
      .array(z.string().regex(/^[0-9a-f]{64}$/))
      .describe('RFC 9162 §2.1.4 consistency proof, hex; empty when from equals to.'),
  })
  .meta({ id: 'ConsistencyProof' })
export type ConsistencyProof = z.infer<typeof ConsistencyProof>

/**
 * `GET /v1/audit/consistency`: proves the tree of the first `from` leaves is a prefix of the tree
 * of the first `to`, from O(log n) stored nodes read in one batch. Sizes past the latest checkpoint
 * are trees the log has not vouched for (yet): they answer 404, like anything else that is not there.
 */
export const proveConsistency = async (
  deps: TreeReadDeps,
  query: ConsistencyQuery,
): Promise<ConsistencyProof> => {
  const { checkpoint } = await deps.tree.head()
  const latest = checkpoint?.treeSize ?? 0
  if (query.to > latest) {
    throw new DomainError(
      'not-found',
      `The log has no checkpointed tree of ${query.to} leaves; the latest checkpoint has ${latest}.`,
    )
  }
  const proof = await proveFromNodes(deps.tree.nodes, (subtree) =>
    consistencyProof(query.from, query.to, subtree),
  )
  return { proof: proof.map(toHex) }
}
