import { describe, expect, it } from 'vitest'
import { AuditEvent, appendToChain, hashEvent } from '#shared/audit/audit-event.js'
import { eventShapeProblem, hashOfParsedEvent } from '#shared/audit/parsed-event.js'

const stamp = { eventId: '019a0000-0000-7000-8000-000000000001', at: '2026-11-21T09:30:00.123Z' }

/** An event as the exchange links it, read back as JSON text is. */
const logged = (details: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.parse(
    JSON.stringify({
      ...appendToChain(
        undefined,
        { actor: { participant: 'xian-yanta', sub: '窗口 07' }, action: 'case.submitted', details, ...extra },
        stamp,
      ).event,
      leafIndex: 7,
    }),
  )

describe('the fast event hash', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['plain members', { packageId: 'pkg-abc' }, { caseId: 'c-1', home: 'xian-beilin', version: 3 }],
    ['Chinese text and emoji (surrogate pairs)', { note: '西安市雁塔区 😀', 键: '值' }, {}],
    [
      'quotes, backslashes and control characters',
      { text: 'a"b\\c\n\t\u0001\u007f', literal: '\\ud800' },
      {},
    ],
    [
      'numbers as ECMAScript prints them',
      { n: [0, -0, 1e21, 1e-7, 0.1, 123456789012345680000, -1.5, 2 ** 53] },
      { version: 0 },
    ],
    [
      'nested members in UTF-16 order',
      { b: { z: 1, A: 2, a: [{ y: null, x: true }] }, B: false, é: 1, e: 2, '\u{1f600}': 3, '\uffff': 4 },
      { from: 'submitted', to: 'intake-approved' },
    ],
    ['empty details', {}, {}],
  ]
  it.each(cases)('is hashEvent on %s', (_name, details, extra) => {
    const event = logged(details, extra)
    expect(eventShapeProblem(event)).toBeUndefined()
    expect(hashOfParsedEvent(event)).toBe(hashEvent(event))
    expect(hashOfParsedEvent(event)).toBe(event.hash)
  })

  it('answers no hash for a lone surrogate, which RFC 8785 cannot express', () => {
    const event = JSON.parse(JSON.stringify({ ...logged({}), details: { broken: '\ud800x' } }))
    expect(hashOfParsedEvent(event)).toBeUndefined()
    expect(() => hashEvent(event)).toThrow()
  })
})

describe('the fast event shape check', () => {
  const valid = logged({ n: 1 }, { caseId: 'c-1' })
  it('accepts what AuditEvent accepts', () => {
    expect(eventShapeProblem(valid)).toBeUndefined()
    expect(AuditEvent.safeParse(valid).success).toBe(true)
  })
  it.each([
    ['an unknown member', { extra: 1 }],
    ['an unknown actor member', { actor: { participant: 'a', sub: 'b', role: 'x' } }],
    ['a stamp without offset', { at: '2026-11-21T09:30:00' }],
    ['a numeric case id', { caseId: 7 }],
    ['a fractional version', { version: 1.5 }],
    ['details that are a list', { details: [] }],
    ['a short hash', { hash: 'abc' }],
    ['a negative leaf index', { leafIndex: -1 }],
  ])('refuses %s, as AuditEvent does', (_name, change) => {
    const event = { ...valid, ...change }
    expect(eventShapeProblem(event)).toBeDefined()
    expect(AuditEvent.safeParse(event).success).toBe(false)
  })
})
