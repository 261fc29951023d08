import { hash } from 'node:crypto'
import { importJWK, SignJWT } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { joseSignatureVerifier } from '#functions/adapters/jose-signature-verifier.js'
import { newPrivateJwk, publicJwkOf } from '#local/keys.js'
import { type AuditEvent, hashEvent } from '#shared/audit/audit-event.js'
import { eventLinePrefix } from '#shared/audit/audit-export.js'
import { type ExportProblem, verifyExport } from '#shared/audit/verify-export.js'
import { type SyntheticLog, syntheticLog } from '../../support/synthetic-audit-log.js'

// biome-ignore lint/suspicious/noExplicitAny: export lines are read back as plain JSON and mutated.
type Line = any

const verify = (lines: readonly string[], trustedKeys?: unknown) =>
  verifyExport(
    { verifier: joseSignatureVerifier(), ...(trustedKeys === undefined ? {} : { trustedKeys }) },
    lines,
  )

/** An export as lines, with helpers to find and change them. */
const exportOf = (text: string) => {
  const lines = text.trimEnd().split('\n')
  const parsed: Line[] = lines.map((line) => JSON.parse(line))
  const indexOf = (type: string, nth = 0) => {
    const found = parsed.flatMap((line, index) => (line.type === type ? [index] : []))
    const index = found.at(nth)
    if (index === undefined) throw new Error(`no ${type} line ${nth}`)
    return index
  }
  return { lines, parsed, indexOf }
}

/** The problems as code, line and event, for asserting where each one is. */
const where = (problems: readonly ExportProblem[]) =>
  problems.map(({ code, line, eventId }) => ({ code, line, ...(eventId === undefined ? {} : { eventId }) }))

/** An event line whose event has its chain's next event after it in the export (so dropping it breaks a link). */
const linkedPair = (log: SyntheticLog, parsed: Line[]) => {
  const placed = new Map<string, number>()
  parsed.forEach((line, index) => {
    if (line.type === 'event') placed.set(line.event.eventId, index)
  })
  const byChain = new Map(log.events.map((stored) => [`${stored.chain}#${stored.seq}`, stored.event.eventId]))
  for (const stored of log.events) {
    const at = placed.get(stored.event.eventId)
    const next = byChain.get(`${stored.chain}#${stored.seq + 1}`)
    const nextAt = next === undefined ? undefined : placed.get(next)
    if (at !== undefined && nextAt !== undefined && nextAt > at + 2) return { at, next: nextAt }
  }
  throw new Error('no linked pair in the export')
}

/**
 * JSON-equal rewritings of the text an event line's hash is over (between the line's prefix and its
 * `hash`), none of which JCS writes: the verifier must check such lines by serialising the event.
 */
const rewritings: [string, (body: string) => string][] = [
  ['members out of order', (body) => body.replace(/^("action":"[^"]*"),("actor":\{[^}]*\})/, '$2,$1')],
  ['whitespace between members', (body) => body.replace('","actor":', '", "actor": ')],
  [
    'a unicode escape',
    (body) =>
      body.replace(
        /"sub":"(.)/,
        (_, first: string) => `"sub":"\\u${first.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
  ],
  ['a number written with a fraction', (body) => body.replace(/"n":(\d+)/, '"n":$1.0')],
  [
    'a number written with an exponent',
    (body) => body.replace(/"n":(\d+)/, (_, n: string) => `"n":${Number(n) / 100}e2`),
  ],
  ['a duplicate member (the last one counts)', (body) => body.replace('"details":{', '"details":{"n":-1,')],
]

/** An event line with its body rewritten, keeping its hash or hashing the new text as it stands. */
const rewritten = (line: string, rewrite: (body: string) => string, hashed: 'kept' | 'as it stands') => {
  const end = line.lastIndexOf(',"hash":"')
  const body = rewrite(line.slice(eventLinePrefix.length, end))
  const tail = line.slice(end)
  return `${eventLinePrefix}${body}${hashed === 'kept' ? tail : tail.replace(/[0-9a-f]{64}/, hash('sha256', `{${body}}`, 'hex'))}`
}

const withLeafIndex = (event: AuditEvent, leafIndex: number | undefined) => {
  const { leafIndex: _old, ...rest } = event
  return leafIndex === undefined ? rest : { ...rest, leafIndex }
}

describe('verifying a whole export', () => {
  let log: SyntheticLog
  let text: string
  beforeAll(async () => {
    log = await syntheticLog({
      events: 300,
      checkpointsAt: [1, 64, 100, 257, 290],
      sealed: 295,
      stepMs: 30_000,
    })
    text = await log.exportText()
  })

  it('accepts the export as the exchange writes it, rebuilding the tree against every checkpoint', async () => {
    const result = await verify(exportOf(text).lines)
    expect(where(result.problems)).toEqual([])
    expect(result).toMatchObject({
      valid: true,
      scope: 'whole',
      treeSize: 290,
      events: 290,
      checkpoints: 5,
      rootHash: log.checkpoints.at(-1)?.rootHash,
      keys: [log.publicKey.kid],
    })
  })

  it('catches a flipped byte in an event and names its line and event', async () => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('event', 40)
    lines[index] = (lines[index] ?? '').replace('"sub":"', '"sub":"X')
    expect(where((await verify(lines)).problems)).toEqual([
      { code: 'hash-mismatch', line: index + 1, eventId: parsed[index].event.eventId },
    ])
  })

  it('accepts events written in any member order, and catches a member slipped in after the hash', async () => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('event', 41)
    const { event } = parsed[index]
    const reordered = [...lines]
    reordered[index] = JSON.stringify({
      event: { leafIndex: event.leafIndex, hash: event.hash, ...event },
      type: 'event',
    })
    expect(where((await verify(reordered)).problems)).toEqual([])
    lines[index] = (lines[index] ?? '').replace(/\}\}$/, ',"action":"participant.suspended"}}')
    expect(where((await verify(lines)).problems)).toEqual([
      { code: 'hash-mismatch', line: index + 1, eventId: event.eventId },
    ])
  })

  it.each(rewritings)('accepts an event line with %s, checking it the exact way', async (_name, rewrite) => {
    const { lines, indexOf } = exportOf(text)
    const index = indexOf('event', 42)
    const line = rewritten(lines[index] ?? '', rewrite, 'kept')
    expect(line).not.toBe(lines[index])
    lines[index] = line
    expect(where((await verify(lines)).problems)).toEqual([])
  })

  it.each(rewritings)('catches an event line with %s hashed as it stands', async (_name, rewrite) => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('event', 43)
    lines[index] = rewritten(lines[index] ?? '', rewrite, 'as it stands')
    expect(where((await verify(lines)).problems)).toContainEqual({
      code: 'hash-mismatch',
      line: index + 1,
      eventId: parsed[index].event.eventId,
    })
  })

  it('catches a flipped byte in a checkpoint signature', async () => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('checkpoint', 2)
    const jws: string = parsed[index].checkpoint
    const flipped = `${jws.slice(0, -5)}${jws.at(-5) === 'A' ? 'B' : 'A'}${jws.slice(-4)}`
    lines[index] = JSON.stringify({ type: 'checkpoint', checkpoint: flipped })
    expect(where((await verify(lines)).problems)).toEqual([{ code: 'bad-signature', line: index + 1 }])
  })

  it('catches a dropped event: its leaf is missing and the next event of its chain links to nothing', async () => {
    const { lines, parsed } = exportOf(text)
    const { at, next } = linkedPair(log, parsed)
    const dropped = parsed[at].event
    lines.splice(at, 1)
    const problems = where((await verify(lines)).problems)
    expect(problems).toEqual(
      expect.arrayContaining([
        { code: 'missing-leaf', line: 0 },
        { code: 'broken-link', line: next, eventId: parsed[next].event.eventId },
        { code: 'count-mismatch', line: lines.length },
      ]),
    )
    expect(problems.find((problem) => problem.code === 'missing-leaf')).toBeDefined()
    expect(
      (await verify(lines)).problems.some((problem) =>
        problem.message.includes(`leaf ${dropped.leafIndex} `),
      ),
    ).toBe(true)
  })

  it('catches two events swapped', async () => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('event', 70)
    ;[lines[index], lines[index + 1]] = [lines[index + 1] ?? '', lines[index] ?? '']
    expect(where((await verify(lines)).problems)).toContainEqual({
      code: 'out-of-order',
      line: index + 2,
      eventId: parsed[index].event.eventId,
    })
  })

  it('catches an inserted event, even one with a correct hash', async () => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('event', 120)
    const original: AuditEvent = parsed[index].event
    const { hash: _hash, leafIndex: _leafIndex, ...content } = original
    const forged = { ...content, eventId: `${original.eventId.slice(0, -1)}f`, details: { forged: true } }
    const inserted = { ...forged, hash: hashEvent(forged), leafIndex: original.leafIndex }
    lines.splice(index + 1, 0, JSON.stringify({ type: 'event', event: inserted }))
    const problems = where((await verify(lines)).problems)
    expect(problems).toContainEqual({ code: 'duplicate', line: index + 2, eventId: inserted.eventId })
    expect(problems).toContainEqual({ code: 'broken-link', line: index + 2, eventId: inserted.eventId })
  })

  it('catches a duplicated event', async () => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('event', 200)
    lines.splice(index + 1, 0, lines[index] ?? '')
    expect(where((await verify(lines)).problems)).toContainEqual({
      code: 'duplicate',
      line: index + 2,
      eventId: parsed[index].event.eventId,
    })
  })

  it('catches two checkpoints swapped', async () => {
    const { lines, indexOf } = exportOf(text)
    const index = indexOf('checkpoint', 1)
    ;[lines[index], lines[index + 1]] = [lines[index + 1] ?? '', lines[index] ?? '']
    expect(where((await verify(lines)).problems)).toContainEqual({
      code: 'checkpoint-order',
      line: index + 2,
    })
  })

  it("catches a checkpoint swapped for one over another tree, even signed with the exchange's key", async () => {
    const { lines, indexOf } = exportOf(text)
    const index = indexOf('checkpoint', 2)
    const other = await log.sign({ iss: log.exchangeId, iat: 1, treeSize: 100, rootHash: 'ab'.repeat(32) })
    lines[index] = JSON.stringify({ type: 'checkpoint', checkpoint: other })
    expect(where((await verify(lines)).problems)).toEqual([{ code: 'root-mismatch', line: index + 1 }])
  })

  it('catches a checkpoint whose signature is forged with another key under the same kid', async () => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('checkpoint', 4)
    const claims = JSON.parse(Buffer.from(parsed[index].checkpoint.split('.')[1], 'base64url').toString())
    const forger = await newPrivateJwk('ES256')
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: log.publicKey.kid, typ: 'exchange-checkpoint+jwt' })
      .sign(await importJWK(forger, 'ES256'))
    lines[index] = JSON.stringify({ type: 'checkpoint', checkpoint: forged })
    expect(where((await verify(lines)).problems)).toEqual([{ code: 'bad-signature', line: index + 1 }])
  })

  it('catches a checkpoint signed with a key the export does not name', async () => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('checkpoint', 0)
    const claims = JSON.parse(Buffer.from(parsed[index].checkpoint.split('.')[1], 'base64url').toString())
    lines[index] = JSON.stringify({
      type: 'checkpoint',
      checkpoint: await log.sign(claims, 'some-other-kid'),
    })
    expect(where((await verify(lines)).problems)).toEqual([{ code: 'unknown-key', line: index + 1 }])
  })

  it('catches an export cut off before its end line', async () => {
    const { lines } = exportOf(text)
    expect(where((await verify(lines.slice(0, -1))).problems)).toEqual([{ code: 'truncated', line: 0 }])
  })

  it('catches a whole log re-signed under substituted keys only when given the keys to trust', async () => {
    const { lines, parsed } = exportOf(text)
    const usurper = await newPrivateJwk('ES256')
    const usurperKey = await importJWK(usurper, 'ES256')
    const header = { ...parsed[0], keys: { keys: [{ ...publicJwkOf(usurper), use: 'sig' }] } }
    const resigned = await Promise.all(
      parsed.map(async (line: Line, index) => {
        if (index === 0) return JSON.stringify(header)
        if (line.type !== 'checkpoint') return lines[index] ?? ''
        const claims = JSON.parse(Buffer.from(line.checkpoint.split('.')[1], 'base64url').toString())
        const jws = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', kid: usurper.kid ?? '', typ: 'exchange-checkpoint+jwt' })
          .sign(usurperKey)
        return JSON.stringify({ type: 'checkpoint', checkpoint: jws })
      }),
    )
    expect((await verify(resigned)).valid).toBe(true)
    const trusted = await verify(resigned, { keys: [log.publicKey] })
    expect(new Set(trusted.problems.map((problem) => problem.code))).toEqual(new Set(['unknown-key']))
  })

  it('names the line and code of every kind of malformed line', async () => {
    const base = exportOf(text)
    const checkpoint = base.indexOf('checkpoint', 1)
    const firstEvent = base.indexOf('event', 0)
    const end = base.indexOf('end')
    const claims = JSON.parse(
      Buffer.from(base.parsed[checkpoint].checkpoint.split('.')[1], 'base64url').toString(),
    )
    const header = base.parsed[0]
    const jws = (protectedHeader: object, payload: object) =>
      `${Buffer.from(JSON.stringify(protectedHeader)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`
    const replaced = (index: number, line: unknown) => (lines: string[]) => {
      lines[index] = typeof line === 'string' ? line : JSON.stringify(line)
    }
    const mutations: [string, (lines: string[]) => void, { code: string; line: number }][] = [
      ['a blank line', replaced(firstEvent, ''), { code: 'malformed', line: firstEvent + 1 }],
      [
        'text that is not JSON',
        replaced(firstEvent, '{"type":'),
        { code: 'malformed', line: firstEvent + 1 },
      ],
      [
        'an unknown line type',
        replaced(firstEvent, { type: 'note' }),
        { code: 'malformed', line: firstEvent + 1 },
      ],
      [
        'a checkpoint after the events began',
        (lines) => lines.splice(firstEvent + 1, 0, lines[checkpoint] ?? ''),
        { code: 'malformed', line: firstEvent + 2 },
      ],
      ['a line after the end', (lines) => lines.push('{"type":"end"}'), { code: 'malformed', line: end + 2 }],
      [
        'an end line that miscounts',
        replaced(end, { type: 'end', events: 1, checkpoints: 5 }),
        { code: 'count-mismatch', line: end + 1 },
      ],
      ['an unreadable end line', replaced(end, { type: 'end' }), { code: 'malformed', line: end + 1 }],
      [
        'an event stamped to the minute only',
        replaced(firstEvent, {
          ...base.parsed[firstEvent],
          event: { ...base.parsed[firstEvent].event, at: '2026-11-21T09:30Z' },
        }),
        { code: 'malformed', line: firstEvent + 1 },
      ],
      [
        'an event nested deeper than a stack can follow',
        replaced(
          firstEvent,
          `{"type":"event","event":{"details":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`,
        ),
        { code: 'malformed', line: firstEvent + 1 },
      ],
      [
        'a checkpoint that is no JWS',
        replaced(checkpoint, { type: 'checkpoint', checkpoint: 'a.b' }),
        { code: 'malformed', line: checkpoint + 1 },
      ],
      [
        'a checkpoint without a readable JWS header',
        replaced(checkpoint, { type: 'checkpoint', checkpoint: 'e30.e30.c2ln' }),
        { code: 'malformed', line: checkpoint + 1 },
      ],
      [
        'a checkpoint of another type',
        replaced(checkpoint, {
          type: 'checkpoint',
          checkpoint: jws({ alg: 'ES256', kid: log.publicKey.kid, typ: 'exchange-seal+jwt' }, claims),
        }),
        { code: 'bad-checkpoint', line: checkpoint + 1 },
      ],
      [
        'a checkpoint whose alg does not fit its key',
        replaced(checkpoint, {
          type: 'checkpoint',
          checkpoint: jws({ alg: 'EdDSA', kid: log.publicKey.kid, typ: 'exchange-checkpoint+jwt' }, claims),
        }),
        { code: 'unknown-key', line: checkpoint + 1 },
      ],
      [
        'a checkpoint without a tree size',
        replaced(checkpoint, {
          type: 'checkpoint',
          checkpoint: jws(
            { alg: 'ES256', kid: log.publicKey.kid, typ: 'exchange-checkpoint+jwt' },
            { ...claims, treeSize: 'all' },
          ),
        }),
        { code: 'bad-checkpoint', line: checkpoint + 1 },
      ],
      [
        'a header with a window but no bounds',
        replaced(0, { ...header, scope: 'window' }),
        { code: 'malformed', line: 1 },
      ],
      [
        'a header with a bad key',
        replaced(0, { ...header, keys: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }),
        { code: 'bad-key', line: 1 },
      ],
      [
        'an anchor in a whole export',
        (lines) =>
          lines.splice(
            firstEvent,
            0,
            JSON.stringify({ type: 'anchor', event: base.parsed[firstEvent].event, auditPath: [] }),
          ),
        { code: 'bad-anchor', line: firstEvent + 1 },
      ],
      [
        'a proof that follows no event',
        (lines) =>
          lines.splice(
            firstEvent,
            0,
            JSON.stringify({ type: 'proof', eventId: 'x', leafIndex: 0, treeSize: 290, auditPath: [] }),
          ),
        { code: 'bad-proof', line: firstEvent + 1 },
      ],
      [
        'a consistency proof between checkpoints the export does not hold',
        (lines) =>
          lines.splice(
            checkpoint + 1,
            0,
            JSON.stringify({ type: 'consistency', from: 7, to: 64, proof: [] }),
          ),
        { code: 'bad-consistency', line: checkpoint + 2 },
      ],
    ]
    for (const [name, mutate, expected] of mutations) {
      const lines = [...base.lines]
      mutate(lines)
      const problems = where((await verify(lines)).problems).map(({ code, line }) => ({ code, line }))
      expect(problems, name).toContainEqual(expected)
    }
  })

  it('catches two events that link to the same predecessor: the chain forks', async () => {
    const { lines, parsed } = exportOf(text)
    const { at, next } = linkedPair(log, parsed)
    const successor: AuditEvent = parsed[next].event
    const { hash: _hash, ...content } = successor
    const rival = { ...content, eventId: `${successor.eventId.slice(0, -1)}0`, details: { rival: true } }
    const forged = { ...rival, hash: hashEvent(rival) }
    const moved = [...lines]
    const predecessor = moved.splice(at, 1)[0] ?? ''
    moved.splice(next, 0, JSON.stringify({ type: 'event', event: forged }), predecessor)
    expect(where((await verify(moved)).problems).map(({ code }) => code)).toContain('fork')
  })

  it('refuses what is not an export', async () => {
    expect(where((await verify(['{"type":"header","format":"other/9"}'])).problems)).toEqual([
      { code: 'malformed', line: 1 },
    ])
    expect(where((await verify([])).problems)).toEqual([{ code: 'truncated', line: 0 }])
    const { lines, indexOf } = exportOf(text)
    const index = indexOf('event', 3)
    lines[index] = (lines[index] ?? '').slice(0, 40)
    expect(where((await verify(lines)).problems)).toContainEqual({ code: 'malformed', line: index + 1 })
  })
})

describe('verifying a window export', () => {
  let log: SyntheticLog
  let text: string
  const window = { from: '2026-11-01T12:00:00.000Z', to: '2026-11-02T00:00:00.000Z' }
  beforeAll(async () => {
    log = await syntheticLog({ events: 400, checkpointsAt: [3, 150, 260, 380], stepMs: 300_000, cases: 20 })
    text = await log.exportText(window)
  })

  it('accepts the window with its proofs, anchors and consistency proofs', async () => {
    const { parsed } = exportOf(text)
    const result = await verify(exportOf(text).lines)
    expect(where(result.problems)).toEqual([])
    const events = parsed.filter((line) => line.type === 'event')
    expect(result).toMatchObject({
      valid: true,
      scope: 'window',
      ...window,
      events: events.length,
      checkpoints: 4,
    })
    expect(events.length).toBeGreaterThan(50)
    expect(parsed.filter((line) => line.type === 'anchor').length).toBeGreaterThan(0)
    expect(parsed.filter((line) => line.type === 'consistency').map((line) => [line.from, line.to])).toEqual([
      [3, 150],
      [150, 260],
      [260, 380],
    ])
    for (const line of events) expect(line.event.at >= window.from && line.event.at < window.to).toBe(true)
  })

  it('catches an altered inclusion proof', async () => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('proof', 10)
    const proof = parsed[index]
    proof.auditPath[1] = 'cd'.repeat(32)
    lines[index] = JSON.stringify(proof)
    expect(where((await verify(lines)).problems)).toEqual([
      { code: 'bad-proof', line: index + 1, eventId: proof.eventId },
    ])
  })

  it('catches an event without its proof', async () => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('proof', 5)
    lines.splice(index, 1)
    expect(where((await verify(lines)).problems)).toEqual([
      { code: 'missing-proof', line: index, eventId: parsed[index].eventId },
    ])
  })

  it('catches a dropped event by the broken link of the next one in its chain', async () => {
    const { lines, parsed } = exportOf(text)
    const { at, next } = linkedPair(log, parsed)
    lines.splice(at, 2)
    expect(where((await verify(lines)).problems)).toContainEqual({
      code: 'broken-link',
      line: next - 1,
      eventId: parsed[next].event.eventId,
    })
  })

  it('catches the first event of a chain in the window dropped with its anchor', async () => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('anchor', 0)
    const { chain, seq } =
      log.events.find((stored) => stored.event.eventId === parsed[index + 1].event.eventId) ?? {}
    const second = log.events.find((stored) => stored.chain === chain && stored.seq === (seq ?? 0) + 1)
    const secondAt = parsed.findIndex(
      (line) => line.type === 'event' && line.event.eventId === second?.event.eventId,
    )
    expect(secondAt).toBeGreaterThan(index)
    lines.splice(index, 3)
    expect(where((await verify(lines)).problems)).toContainEqual({
      code: 'broken-link',
      line: secondAt - 2,
      eventId: second?.event.eventId,
    })
  })

  it('catches an anchor from inside the window', async () => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('anchor', 1)
    const inside = parsed.find((line: Line) => line.type === 'event').event
    lines[index] = JSON.stringify({ ...parsed[index], event: inside })
    expect(where((await verify(lines)).problems)).toContainEqual({
      code: 'bad-anchor',
      line: index + 1,
      eventId: inside.eventId,
    })
  })

  it('catches a missing or altered consistency proof', async () => {
    const { lines, parsed, indexOf } = exportOf(text)
    const index = indexOf('consistency', 1)
    const altered = [...lines]
    const proof = { ...parsed[index], proof: [...parsed[index].proof].reverse() }
    altered[index] = JSON.stringify(proof)
    expect(where((await verify(altered)).problems)).toEqual([{ code: 'inconsistent', line: index + 1 }])
    lines.splice(index, 1)
    expect(where((await verify(lines)).problems)).toEqual([{ code: 'missing-consistency', line: index }])
  })

  it('catches an event from outside the window slipped in', async () => {
    const { lines, indexOf } = exportOf(text)
    const late = log.events.find(
      (stored) => stored.event.at >= window.to && stored.event.leafIndex !== undefined,
    )
    if (late === undefined) throw new Error('no event after the window')
    const index = indexOf('end')
    lines.splice(
      index,
      0,
      JSON.stringify({ type: 'event', event: withLeafIndex(late.event, late.event.leafIndex) }),
    )
    expect(where((await verify(lines)).problems)).toEqual(
      expect.arrayContaining([
        { code: 'outside-window', line: index + 1, eventId: late.event.eventId },
        { code: 'missing-proof', line: index + 1, eventId: late.event.eventId },
      ]),
    )
  })
})
