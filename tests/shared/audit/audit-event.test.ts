import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import { describe, expect, it } from 'vitest'
import {
  type AuditDraft,
  AuditEvent,
  appendToChain,
  chainOf,
  genesisHash,
  hashEvent,
} from '#shared/audit/audit-event.js'

const sha256OfJcs = (value: unknown) =>
  createHash('sha256')
    .update(canonicalize(value) ?? '', 'utf8')
    .digest('hex')

const unsealed = {
  eventId: '0193a5c8-0000-7000-8000-000000000001',
  at: '2026-11-21T01:30:00.000Z',
  actor: { participant: 'xian-gaoxin', sub: 'window-7' },
  action: 'case.submitted',
  caseId: 'case-1',
  home: 'xian-beilin',
  from: 'draft',
  to: 'submitted',
  version: 1,
  details: { itemCode: '610100-tax', count: 2, nested: { b: 1, a: [true, null] } },
  prevHash: genesisHash,
}

const draft = (overrides: Partial<AuditDraft> = {}): AuditDraft => ({
  actor: { participant: 'admin', sub: 'console' },
  action: 'item.registered',
  details: { itemCode: '610100-tax' },
  ...overrides,
})

describe('hashEvent', () => {
  it('is the hex SHA-256 of the JCS form of the event', () => {
    expect(hashEvent(unsealed)).toBe(sha256OfJcs(unsealed))
  })

  it('does not depend on the order of members', () => {
    const reversed = Object.fromEntries(Object.entries(unsealed).reverse()) as typeof unsealed
    expect(hashEvent(reversed)).toBe(hashEvent(unsealed))
  })

  it('ignores hash and leafIndex', () => {
    expect(hashEvent({ ...unsealed, hash: 'f'.repeat(64), leafIndex: 41 })).toBe(sha256OfJcs(unsealed))
  })

  it.each([
    ['eventId', { eventId: 'other' }],
    ['at', { at: '2026-11-21T01:30:00.001Z' }],
    ['actor', { actor: { participant: 'xian-gaoxin', sub: 'window-8' } }],
    ['action', { action: 'case.accepted' }],
    ['caseId', { caseId: 'case-2' }],
    ['home', { home: 'xian-lianhu' }],
    ['from', { from: 'submitted' }],
    ['to', { to: 'accepted' }],
    ['version', { version: 2 }],
    ['details', { details: { ...unsealed.details, count: 3 } }],
    ['prevHash', { prevHash: 'a'.repeat(64) }],
  ])('changes when %s changes', (_, change) => {
    expect(hashEvent({ ...unsealed, ...change })).not.toBe(hashEvent(unsealed))
  })

  it('changes when an optional field is dropped', () => {
    const { home: _home, ...withoutHome } = unsealed
    expect(hashEvent(withoutHome)).not.toBe(hashEvent(unsealed))
  })
})

describe('chainOf', () => {
  it('puts events with a case on the case chain', () => {
    expect(chainOf(draft({ caseId: 'case-1' }))).toBe('case#case-1')
  })

  it('puts events without a case on the acting participant chain', () => {
    expect(chainOf(draft())).toBe('participant#admin')
  })
})

describe('appendToChain', () => {
  const stamp = { eventId: 'event-1', at: '2026-11-21T01:30:00.000Z' }

  it('starts a chain at 64 zeros and seq 1', () => {
    const { event, head } = appendToChain(undefined, draft(), stamp)
    expect(genesisHash).toBe('0'.repeat(64))
    expect(event.prevHash).toBe('0'.repeat(64))
    expect(head).toEqual({ chain: 'participant#admin', seq: 1, hash: event.hash })
  })

  it('seals the event with the hash of its other fields', () => {
    const { event } = appendToChain(undefined, draft(), stamp)
    const { hash, ...rest } = event
    expect(hash).toBe(sha256OfJcs(rest))
    expect(AuditEvent.parse(event)).toEqual(event)
    expect(event).toMatchObject({ eventId: 'event-1', at: stamp.at, action: 'item.registered' })
  })

  it('links each event to the previous one and counts on', () => {
    const first = appendToChain(undefined, draft(), stamp)
    const second = appendToChain(first.head, draft({ action: 'item.updated' }), {
      ...stamp,
      eventId: 'event-2',
    })
    const third = appendToChain(second.head, draft({ action: 'item.updated' }), {
      ...stamp,
      eventId: 'event-3',
    })
    expect(second.event.prevHash).toBe(first.event.hash)
    expect(third.event.prevHash).toBe(second.event.hash)
    expect([first.head.seq, second.head.seq, third.head.seq]).toEqual([1, 2, 3])
    expect(third.head.hash).toBe(third.event.hash)
  })

  it('refuses a head of another chain', () => {
    const { head } = appendToChain(undefined, draft({ caseId: 'case-1' }), stamp)
    expect(() => appendToChain(head, draft({ caseId: 'case-2' }), stamp)).toThrow(TypeError)
    expect(() => appendToChain(head, draft(), stamp)).toThrow(TypeError)
  })

  it('refuses details that are not JSON', () => {
    expect(() => appendToChain(undefined, draft({ details: { ratio: Number.NaN } }), stamp)).toThrow()
  })
})
