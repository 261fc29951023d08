import { hash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { type AuditDraft, type AuditEvent, appendToChain, hashEvent } from '#shared/audit/audit-event.js'
import { eventLinePrefix, eventLineText } from '#shared/audit/audit-export.js'
import { readCanonicalEventLine } from '#shared/audit/canonical-event-line.js'
import { eventShapeProblem } from '#shared/audit/parsed-event.js'

const stamp = { eventId: '019a0000-0000-7000-8000-000000000001', at: '2026-11-21T09:30:00.123Z' }

/** An event as the exchange links it, in the tree at leaf 7. */
const logged = (draft: Partial<AuditDraft> = {}, at = stamp.at): AuditEvent => ({
  ...appendToChain(
    undefined,
    {
      actor: { participant: 'xian-yanta', sub: 'window-07' },
      action: 'case.submitted',
      details: { n: 1 },
      ...draft,
    },
    { ...stamp, at },
  ).event,
  leafIndex: 7,
})

/** The event line of `body` (the text between the prefix and the hash), its hash over that text as it stands. */
const selfHashed = (body: string) =>
  `${eventLinePrefix}${body},"hash":"${hash('sha256', `{${body}}`, 'hex')}","leafIndex":7}}`

/** The text `eventLineText` hashes, between the line's prefix and its `hash` member. */
const bodyOf = (event: AuditEvent) => {
  const line = eventLineText(event)
  return line.slice(eventLinePrefix.length, line.lastIndexOf(',"hash":"'))
}

describe('reading an event line as the exchange writes it', () => {
  it('answers the facts of the event and its hash, which is hashEvent', () => {
    const event = logged({ caseId: 'c-1' })
    expect(readCanonicalEventLine(eventLineText(event))).toEqual({
      eventId: event.eventId,
      at: event.at,
      participant: 'xian-yanta',
      caseId: 'c-1',
      prevHash: event.prevHash,
      hash: hashEvent(event),
      leafIndex: 7,
    })
  })

  it.each<[string, Partial<AuditDraft>]>([
    ['no case (a participant chain)', {}],
    [
      'every optional member',
      { caseId: 'c-1', home: 'xian-beilin', from: 'submitted', to: 'accepted', version: 12 },
    ],
    ['a negative version', { version: -3 }],
    [
      'details of every JSON kind, nested, members in UTF-16 order',
      {
        details: {
          B: [true, false, null],
          a: { y: [], z: {} },
          b: -1.5,
          c: 1e21,
          d: 1e-7,
          é: '西安市雁塔区',
        },
      },
    ],
    ['empty details', { details: {} }],
    [
      'numbers JCS writes with exponents and fractions',
      { details: { big: 123456789012345680000, tiny: 5e-324 } },
    ],
  ])('reads an event with %s', (_name, draft) => {
    const event = logged(draft)
    expect(readCanonicalEventLine(eventLineText(event))?.hash).toBe(hashEvent(event))
  })

  it('reads an event not yet in the tree (no leafIndex)', () => {
    const { leafIndex: _leafIndex, ...unsealed } = logged()
    expect(readCanonicalEventLine(eventLineText(unsealed))).toMatchObject({ leafIndex: undefined })
  })

  it.each([
    ['2026-11-21T00:00:00.000Z', true],
    ['2026-11-30T23:59:59.999Z', true],
    ['2026-01-31T08:00:00+08:00', true],
    ['2026-11-21T09:30Z', false],
    ['2026-13-01T00:00:00.000Z', false],
    ['2026-11-21T23:60:00.000Z', false],
    ['2026-11-21T09:30:00.000', false],
  ])('reads the stamp %s only if the exact way takes it (%s)', (at, read) => {
    const event = logged({}, at)
    expect(readCanonicalEventLine(eventLineText(event)) !== undefined).toBe(read)
    expect(eventShapeProblem(event) === undefined).toBe(read)
  })
})

describe('leaving other lines to the exact way', () => {
  const event = logged({ caseId: 'c-1', version: 1, details: { n: 100, note: 'ok', list: [1, 2] } })
  const body = bodyOf(event)

  it('takes the body as the exchange writes it, hashed as it stands', () => {
    expect(readCanonicalEventLine(selfHashed(body))).toBeDefined()
  })

  // Each is JSON-equal to the event, or near it, and hashed as it stands: the exact way (parse,
  // serialise) would hash it differently, so the fast way must not take it.
  it.each([
    ['members out of order', body.replace(/^("action":"[^"]*"),("actor":\{[^}]*\})/, '$2,$1')],
    ['details members out of order', body.replace('"list":[1,2],"n":100', '"n":100,"list":[1,2]')],
    ['a duplicate member', body.replace('"n":100', '"n":100,"n":100')],
    ['a duplicate event member', body.replace(/,"eventId":"[^"]*"/, '$&$&')],
    ['whitespace between members', body.replace('","actor":', '", "actor":')],
    ['whitespace after a colon', body.replace('"action":', '"action": ')],
    ['a unicode escape', body.replace('"sub":"window', '"sub":"\\u0077indow')],
    ['an escaped solidus', body.replace('"sub":"window-07"', '"sub":"window\\/07"')],
    ['a number written 100.0', body.replace('"n":100', '"n":100.0')],
    ['a number written 1e2', body.replace('"n":100', '"n":1e2')],
    ['a number written 1E2', body.replace('"n":100', '"n":1E2')],
    ['a number with a leading zero', body.replace('"n":100', '"n":0100')],
    ['a negative zero', body.replace('"n":100', '"n":-0')],
    ['a number beyond doubles', body.replace('"n":100', '"n":1e400')],
    ['a version written 1.0', body.replace('"version":1', '"version":1.0')],
    ['a raw control character', body.replace('"note":"ok"', '"note":"o\tk"')],
    ['a lone surrogate', body.replace('"note":"ok"', '"note":"o\ud800k"')],
    ['an unknown member', body.replace('"details"', '"colour":"red","details"')],
    ['no actor', body.replace(/,"actor":\{[^}]*\}/, '')],
    ['an actor with another member', body.replace('"sub":"window-07"', '"role":"x","sub":"window-07"')],
    ['details that are a list', body.replace(/"details":\{.*?\},"eventId"/, '"details":[1],"eventId"')],
    ['a short prevHash', body.replace(/"prevHash":"0+"/, '"prevHash":"00"')],
    ['an unparseable stamp', body.replace(event.at, '2026-11-21T09:30:00')],
    ['truncated details', body.replace('"list":[1,2]', '"list":[1,2')],
  ])('leaves %s to the exact way', (_name, variant) => {
    expect(variant).not.toBe(body)
    expect(readCanonicalEventLine(selfHashed(variant))).toBeUndefined()
  })

  it('leaves text with escapes or surrogate pairs to the exact way, however canonical', () => {
    for (const details of [{ note: 'a "quote"\n' }, { note: '😀' }]) {
      expect(readCanonicalEventLine(eventLineText(logged({ details })))).toBeUndefined()
    }
  })

  it('leaves details nested deeper than it reads to the exact way', () => {
    let deep: unknown = 1
    for (let depth = 0; depth < 40; depth++) deep = [deep]
    expect(readCanonicalEventLine(eventLineText(logged({ details: { deep } })))).toBeUndefined()
    expect(readCanonicalEventLine(eventLineText(logged({ details: { deep: [[[1]]] } })))).toBeDefined()
  })

  it.each([
    ['a hash that is not the text’s', (line: string) => line.replace(/"hash":"./, '"hash":"x')],
    [
      'a hash in capitals',
      (line: string) => line.replace(/"hash":"[0-9a-f]{64}"/, (hex) => hex.toUpperCase()),
    ],
    ['a member after the hash', (line: string) => line.replace(/\}\}$/, ',"action":"x"}}')],
    ['a leaf index written 7.0', (line: string) => line.replace('"leafIndex":7', '"leafIndex":7.0')],
    ['a negative leaf index', (line: string) => line.replace('"leafIndex":7', '"leafIndex":-7')],
    ['a line ending in whitespace', (line: string) => `${line} `],
    ['a line with a carriage return', (line: string) => `${line}\r`],
    [
      'the outer members reordered',
      (line: string) => line.replace('{"type":"event",', '{').replace(/\}$/, ',"type":"event"}'),
    ],
  ])('leaves %s to the exact way', (_name, change) => {
    const line = eventLineText(event)
    expect(readCanonicalEventLine(line)).toBeDefined()
    expect(readCanonicalEventLine(change(line))).toBeUndefined()
  })
})
