import { afterAll, describe, expect, it } from 'vitest'
import { dynamodbTreeStore } from '#functions/adapters/dynamodb-tree-store.js'
import { dynamodbUnsealedEvents } from '#functions/adapters/dynamodb-unsealed-events.js'
import { commitAudited } from '#shared/audit/append-audited.js'
import { checkpointLog } from '#shared/audit/checkpoint-log.js'
import type { UnsealedEvent } from '#shared/audit/tree-store.js'
import { RecordingSigner } from '../../support/document-fakes.js'
import { uniqueId } from '../../support/exchange-client.js'
import {
  auditWriter,
  commitEvents,
  countingClient,
  participantEvents,
  queueShows,
  scratchAuditTable,
} from '../../support/stored-audit-tree.js'

const { client, calls } = countingClient()
afterAll(() => client.destroy())

/** Runs a test on an audit table of its own, so that its queue holds only the test's events. */
const onOwnTable = async (test: (tableName: string) => Promise<void>) => {
  const table = await scratchAuditTable(client)
  try {
    await test(table.tableName)
  } finally {
    await table.drop()
  }
}

/** Seals whatever the queue shows, with the real tree store, in as many runs as that takes. */
const sealQueued = async (tableName: string) => {
  const deps = {
    tree: dynamodbTreeStore(client, tableName),
    unsealed: dynamodbUnsealedEvents(client, tableName),
    archive: { put: async () => {} },
    signer: new RecordingSigner(),
    exchangeId: 'exchange-test',
    clock: () => new Date(),
  }
  while ((await checkpointLog(deps)).appended > 0);
}

/** What a page says of each event's place, in chain and seq order. */
const places = (events: readonly Pick<UnsealedEvent, 'chain' | 'seq' | 'predecessorSealed'>[]) =>
  events
    .map(({ chain, seq, predecessorSealed }) => ({ chain, seq, predecessorSealed }))
    .sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : a.seq - b.seq))

describe('the DynamoDB queue of unsealed events', () => {
  it('tells of each event its chain, its seq and whether its predecessor has its leaf, in one batch read', () =>
    onOwnTable(async (tableName) => {
      const writer = auditWriter(client, tableName)
      // Named so that the actor's chain sorts first.
      const [actor, other] = [uniqueId('queue-a'), uniqueId('queue-b')]
      await commitEvents(writer, actor, 1)
      await sealQueued(tableName)
      await commitEvents(writer, actor, 2)
      await commitEvents(writer, other, 1)
      calls.clear()
      const page = await dynamodbUnsealedEvents(client, tableName).page(100, undefined)
      expect(Object.fromEntries(calls)).toEqual({ QueryCommand: 1, BatchGetItemCommand: 1 })
      expect(page.next).toBeUndefined()
      expect(places(page.events)).toEqual([
        { chain: `participant#${actor}`, seq: 2, predecessorSealed: true },
        { chain: `participant#${actor}`, seq: 3, predecessorSealed: false },
        { chain: `participant#${other}`, seq: 1, predecessorSealed: false },
      ])
      const stored = [
        ...(await participantEvents(client, tableName, actor)).slice(1),
        ...(await participantEvents(client, tableName, other)),
      ]
      expect(new Map(page.events.map(({ eventId, hash }) => [eventId, hash]))).toEqual(
        new Map(stored.map(({ eventId, hash }) => [eventId, hash])),
      )
      expect(page.events.map(({ eventId }) => eventId)).toEqual(stored.map(({ eventId }) => eventId).sort())
    }))

  it('reads a predecessor the index does not show yet as not sealed', () =>
    onOwnTable(async (tableName) => {
      const actor = uniqueId('queue')
      await commitEvents(auditWriter(client, tableName), actor, 3)
      await queueShows(client, tableName, { participant: actor, seq: 2 }, false)
      const page = await dynamodbUnsealedEvents(client, tableName).page(100, undefined)
      expect(places(page.events)).toEqual([
        { chain: `participant#${actor}`, seq: 1, predecessorSealed: false },
        { chain: `participant#${actor}`, seq: 3, predecessorSealed: false },
      ])
    }))

  it('reads a full page and the predecessors outside it in two batch reads', () =>
    onOwnTable(async (tableName) => {
      const writer = auditWriter(client, tableName)
      const actors = Array.from({ length: 100 }, () => uniqueId('queue'))
      /** One event of each actor, 25 chains to a transaction (an event and a chain head each). */
      const eventOfEach = async () => {
        for (let start = 0; start < actors.length; start += 25)
          await commitAudited(writer, async () => ({
            changes: [],
            audit: actors.slice(start, start + 25).map((participant) => ({
              actor: { participant, sub: 'queue-test' },
              action: 'test.queued',
              details: {},
            })),
            result: undefined,
          }))
      }
      await eventOfEach()
      await sealQueued(tableName)
      await eventOfEach()
      calls.clear()
      const page = await dynamodbUnsealedEvents(client, tableName).page(100, undefined)
      expect(Object.fromEntries(calls)).toEqual({ QueryCommand: 1, BatchGetItemCommand: 2 })
      expect(places(page.events)).toEqual(
        places(
          actors.map((participant) => ({
            chain: `participant#${participant}`,
            seq: 2,
            predecessorSealed: true,
          })),
        ),
      )
    }))
})
