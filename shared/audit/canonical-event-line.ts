import { hash } from 'node:crypto'
import type { AuditEvent } from './audit-event.js'
import { eventLinePrefix } from './audit-export.js'
import { hashedMembers, isInstant } from './parsed-event.js'

/**
 * Reading an event line without `JSON.parse`, for lines the exchange wrote (`eventLineText`): the
 * line is taken only when its text is provably the RFC 8785 (JCS) form of its event, members
 * in order, then `hash` and `leafIndex`. Its hash is then the SHA-256 of that text as it stands, and
 * the values read from it are those `JSON.parse` would give. Any other line, however JSON-equal,
 * is left to the exact way (parse, check the shape, serialise).
 */

/** What the verifier checks of an event besides its hash: its place in the order, its chain, its leaf. */
export type EventFacts = {
  eventId: string
  at: string
  participant: string
  caseId: string | undefined
  prevHash: string
  hash: string
  leafIndex: number | undefined
}

/** The facts of an event read the exact way. */
export const factsOf = (event: AuditEvent): EventFacts => ({
  eventId: event.eventId,
  at: event.at,
  participant: event.actor.participant,
  caseId: event.caseId,
  prevHash: event.prevHash,
  hash: event.hash,
  leafIndex: event.leafIndex,
})

/**
 * Characters a line read this way may not hold: JCS writes no control character as it is and none
 * of the others needs a backslash (so a string's value is its text between the quotes); surrogates,
 * which JCS writes as they are only in pairs, are left to the exact way rather than checked here.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are among what it finds.
const unusual = /[\u0000-\u001f\\\ud800-\udfff]/

/** Details nested deeper are left to the exact way, which keeps this reader's recursion shallow. */
const maxDepth = 32

const quote = 0x22
const comma = 0x2c
const colon = 0x3a
const openBrace = 0x7b
const closeBrace = 0x7d
const openBracket = 0x5b
const closeBracket = 0x5d

/** What each member the hash covers holds (`at` is text, checked as an instant once read). */
const kinds: Record<(typeof hashedMembers)[number], 'text' | 'actor' | 'object' | 'integer'> = {
  action: 'text',
  actor: 'actor',
  at: 'text',
  caseId: 'text',
  details: 'object',
  eventId: 'text',
  from: 'text',
  home: 'text',
  prevHash: 'text',
  to: 'text',
  version: 'integer',
}
/** The members an `AuditEvent` must have; the others may be absent. */
const required = new Set(['action', 'actor', 'at', 'details', 'eventId', 'prevHash'])
const members = hashedMembers.map((name) => ({
  name,
  kind: kinds[name],
  key: `"${name}":`,
  required: required.has(name),
}))

const actorKey = '{"participant":'
const subKey = ',"sub":'
const hashKey = ',"hash":"'
const leafIndexKey = ',"leafIndex":'

/** Where the string at `at` ends (after its closing quote), or -1; the line has no backslash. */
const afterString = (text: string, at: number): number => {
  if (text.charCodeAt(at) !== quote) return -1
  const close = text.indexOf('"', at + 1)
  return close < 0 ? -1 : close + 1
}

/** Whether `literal` is at `at` (as `startsWith`, which V8 makes cost a few nanoseconds a character). */
const startsAt = (text: string, at: number, literal: string) =>
  text.slice(at, at + literal.length) === literal

/** Whether the name from `at` to `end` is `name`. */
const isName = (text: string, at: number, end: number, name: string) =>
  end - at === name.length && startsAt(text, at, name)

/** Where `literal` ends if it is at `at`, or -1. */
const afterLiteral = (text: string, at: number, literal: string) =>
  at >= 0 && startsAt(text, at, literal) ? at + literal.length : -1

/**
 * Where the number at `at` ends if it is written as JCS writes it (ECMAScript's `String(number)`:
 * no `1.0`, `1e2`, `-0` or leading zero), or -1. Such text is always a JSON number, and means the
 * value `JSON.parse` gives it.
 */
const afterNumber = (text: string, at: number): number => {
  let end = at
  // Up to 15 digits without a leading zero are an integer JCS writes as it is (below 2 ** 53).
  let plain = text.charCodeAt(at) !== 0x30
  for (let code = text.charCodeAt(end); ; code = text.charCodeAt(++end)) {
    if (code >= 0x30 && code <= 0x39) continue
    if (code !== 0x2d && code !== 0x2b && code !== 0x2e && code !== 0x65) break
    plain = false
  }
  if (plain && end > at && end - at <= 15) return end
  const written = text.slice(at, end)
  return end > at && String(Number(written)) === written ? end : -1
}

/** Where the JCS-written value at `at` ends, or -1 if it is not one. */
const afterValue = (text: string, at: number, depth: number): number => {
  switch (text.charCodeAt(at)) {
    case quote:
      return afterString(text, at)
    case openBrace:
      return afterObject(text, at, depth + 1)
    case openBracket:
      return afterArray(text, at, depth + 1)
    case 0x74:
      return afterLiteral(text, at, 'true')
    case 0x66:
      return afterLiteral(text, at, 'false')
    case 0x6e:
      return afterLiteral(text, at, 'null')
    default:
      return afterNumber(text, at)
  }
}

/**
 * Where the JCS-written object at `at` ends, or -1: its members sorted by the UTF-16 code units of
 * their names (how `<` compares strings), so none repeats.
 */
const afterObject = (text: string, at: number, depth: number): number => {
  if (depth > maxDepth) return -1
  let next = at + 1
  if (text.charCodeAt(next) === closeBrace) return next + 1
  let previous: string | undefined
  for (;;) {
    const nameEnd = afterString(text, next)
    if (nameEnd < 0 || text.charCodeAt(nameEnd) !== colon) return -1
    const name = text.slice(next + 1, nameEnd - 1)
    if (previous !== undefined && !(previous < name)) return -1
    previous = name
    next = afterValue(text, nameEnd + 1, depth)
    if (next < 0) return -1
    const code = text.charCodeAt(next)
    if (code === closeBrace) return next + 1
    if (code !== comma) return -1
    next++
  }
}

/** Where the JCS-written array at `at` ends, or -1. */
const afterArray = (text: string, at: number, depth: number): number => {
  if (depth > maxDepth) return -1
  let next = at + 1
  if (text.charCodeAt(next) === closeBracket) return next + 1
  for (;;) {
    next = afterValue(text, next, depth)
    if (next < 0) return -1
    const code = text.charCodeAt(next)
    if (code === closeBracket) return next + 1
    if (code !== comma) return -1
    next++
  }
}

/** Where the safe integer at `at` ends, if JCS-written and at least `min`, or -1. */
const afterInteger = (text: string, at: number, min: number) => {
  const end = afterNumber(text, at)
  if (end < 0) return -1
  const value = Number(text.slice(at, end))
  return Number.isSafeInteger(value) && value >= min ? end : -1
}

/**
 * The facts of an event line whose text is the JCS form of an `AuditEvent` (without `hash` and
 * `leafIndex`, which follow as its last members) and whose `hash` is that text's SHA-256; `undefined`
 * for any other line, which the caller checks the exact way (and reports, if it is wrong).
 */
export const readCanonicalEventLine = (text: string): EventFacts | undefined => {
  if (!startsAt(text, 0, eventLinePrefix) || unusual.test(text)) return undefined
  let eventId: string | undefined
  let at: string | undefined
  let participant: string | undefined
  let caseId: string | undefined
  let prevHash: string | undefined
  // The event's opening brace is the prefix's last character; each member follows `{` or `,`, until `hash`.
  let next = eventLinePrefix.length - 1
  let separator = openBrace
  let expected = 0
  for (;;) {
    if (text.charCodeAt(next) !== separator || text.charCodeAt(next + 1) !== quote) return undefined
    const nameEnd = text.indexOf('"', next + 2)
    if (nameEnd < 0 || text.charCodeAt(nameEnd + 1) !== colon) return undefined
    if (isName(text, next + 2, nameEnd, 'hash')) break
    // Members come in JCS order: any before this one that is not there must be optional.
    let member = members[expected]
    while (member !== undefined && !isName(text, next + 2, nameEnd, member.name)) {
      if (member.required) return undefined
      member = members[++expected]
    }
    if (member === undefined) return undefined
    expected++
    const start = nameEnd + 2
    switch (member.kind) {
      case 'actor': {
        const participantAt = afterLiteral(text, start, actorKey)
        const participantEnd = afterString(text, participantAt)
        const subEnd = afterString(text, afterLiteral(text, participantEnd, subKey))
        if (subEnd < 0 || text.charCodeAt(subEnd) !== closeBrace) return undefined
        participant = text.slice(participantAt + 1, participantEnd - 1)
        next = subEnd + 1
        break
      }
      case 'object':
        next = text.charCodeAt(start) === openBrace ? afterObject(text, start, 1) : -1
        break
      case 'integer':
        next = afterInteger(text, start, Number.MIN_SAFE_INTEGER)
        break
      default:
        next = afterString(text, start)
    }
    if (next < 0) return undefined
    if (member.name === 'eventId') eventId = text.slice(start + 1, next - 1)
    else if (member.name === 'at') at = text.slice(start + 1, next - 1)
    else if (member.name === 'caseId') caseId = text.slice(start + 1, next - 1)
    else if (member.name === 'prevHash') prevHash = text.slice(start + 1, next - 1)
    separator = comma
  }
  for (; expected < members.length; expected++) if (members[expected]?.required) return undefined
  if (eventId === undefined || at === undefined || participant === undefined || prevHash === undefined)
    return undefined
  if (prevHash.length !== 64 || !isInstant(at)) return undefined
  const computed = hash('sha256', `${text.slice(eventLinePrefix.length - 1, next)}}`, 'hex')
  // The line's hash is the computed one (64 hex digits between quotes) or the line is not read here.
  const hashAt = next + hashKey.length
  if (
    !startsAt(text, next, hashKey) ||
    !startsAt(text, hashAt, computed) ||
    text.charCodeAt(hashAt + 64) !== quote
  )
    return undefined
  let end = hashAt + 65
  let leafIndex: number | undefined
  if (startsAt(text, end, leafIndexKey)) {
    const indexAt = end + leafIndexKey.length
    end = afterInteger(text, indexAt, 0)
    if (end < 0) return undefined
    leafIndex = Number(text.slice(indexAt, end))
  }
  if (end + 2 !== text.length || !text.endsWith('}}')) return undefined
  return { eventId, at, participant, caseId, prevHash, hash: computed, leafIndex }
}
