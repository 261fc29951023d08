import { describe, expect, it } from 'vitest'
import { checkpointLog } from '#shared/audit/checkpoint-log.js'
import { getLatestCheckpoint } from '#shared/audit/get-latest-checkpoint.js'
import { DomainError } from '#shared/errors.js'
import { RecordingSigner } from '../../support/document-fakes.js'
import { fakeEvents, InMemoryAuditTree } from '../../support/in-memory-audit-tree.js'

const setup = () => {
  const tree = new InMemoryAuditTree()
  const checkpointer = {
    tree,
    unsealed: tree,
    archive: tree,
    signer: new RecordingSigner(),
    exchangeId: 'exchange-test',
    clock: () => new Date(),
  }
  return { tree, checkpointer, deps: { tree } }
}

const code = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: unknown) => (error instanceof DomainError ? error.code : String(error)),
  )

describe('the latest checkpoint', () => {
  it('is the one signed last', async () => {
    const { tree, checkpointer, deps } = setup()
    tree.add(fakeEvents(4))
    await checkpointLog(checkpointer)
    tree.add(fakeEvents(4))
    await checkpointLog(checkpointer)
    expect(await getLatestCheckpoint(deps)).toEqual({ checkpoint: tree.checkpoints.get(8)?.jws })
  })

  it('does not exist before the first run signed one', async () => {
    expect(await code(getLatestCheckpoint(setup().deps))).toBe('not-found')
  })
})
