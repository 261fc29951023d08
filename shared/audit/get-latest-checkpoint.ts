import * as z from 'zod'
import { notFound } from '../errors.js'
import type { TreeStore } from './tree-store.js'

/** `GET /v1/audit/checkpoints/latest`. */
export const LatestCheckpoint = z
  .object({
    checkpoint: z
      .string()
      .describe(
        'An `exchange-checkpoint+jwt` (ES256, a key of /.well-known/jwks.json) with claims iss, iat, aud ' +
          '(the exchange id: it is for every participant), treeSize and rootHash: the hex RFC 9162 Merkle ' +
          'Tree Hash of the first treeSize events in leafIndex order, each leaf the 32 bytes of its `hash`.',
      ),
  })
  .meta({ id: 'LatestCheckpoint' })
export type LatestCheckpoint = z.infer<typeof LatestCheckpoint>

/** What reading the tree needs: its head and its stored nodes. */
export type TreeReadDeps = { tree: Pick<TreeStore, 'head' | 'nodes'> }

/** `GET /v1/audit/checkpoints/latest`: the newest checkpoint; none before the first run has signed one. */
export const getLatestCheckpoint = async (deps: TreeReadDeps): Promise<LatestCheckpoint> => {
  const { checkpoint } = await deps.tree.head()
  if (checkpoint === undefined) throw notFound('A checkpoint')
  return { checkpoint: checkpoint.jws }
}
