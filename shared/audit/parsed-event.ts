import { hash } from 'node:crypto'
import { Instant } from '../registry/ids.js'
import type { AuditEvent } from './audit-event.js'

/**
 * The checks an offline verifier makes of every event, fast enough for hundreds of thousands a
 * second: the event's shape (as `AuditEvent` defines it) and its hash (as `hashEvent` computes
 * it), both on values fresh from `JSON.parse`, so neither needs zod's or canonicalize's generality.
 */

/** Whether the `count` characters at `at` are decimal digits making a number from `min` to `max`. */
const fieldWithin = (text: string, at: number, count: number, min: number, max: number) => {
  let value = 0
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 0x30
    if (!(digit >= 0 && digit <= 9)) return false
    value = value * 10 + digit
  }
  return value >= min && value <= max
}

/**
 * Whether text is a stamp as `toISOString()` writes it (`YYYY-MM-DDTHH:MM:SS.sssZ`) with a day that
 * every month has and a time that every day has: an instant for certain, without `Date.parse`
 * (which costs more than the rest of an event's shape). The exchange stamps events so.
 */
const isPlainStamp = (text: string) =>
  text.length === 24 &&
  text.charCodeAt(4) === 0x2d &&
  text.charCodeAt(7) === 0x2d &&
  text.charCodeAt(10) === 0x54 &&
  text.charCodeAt(13) === 0x3a &&
  text.charCodeAt(16) === 0x3a &&
  text.charCodeAt(19) === 0x2e &&
  text.charCodeAt(23) === 0x5a &&
  fieldWithin(text, 0, 4, 0, 9999) &&
  fieldWithin(text, 5, 2, 1, 12) &&
  fieldWithin(text, 8, 2, 1, 28) &&
  fieldWithin(text, 11, 2, 0, 23) &&
  fieldWithin(text, 14, 2, 0, 59) &&
  fieldWithin(text, 17, 2, 0, 59) &&
  fieldWithin(text, 20, 3, 0, 999)

/** Whether text is an ISO 8601 instant with an explicit offset, as `Instant` accepts. */
export const isInstant = (text: string) => isPlainStamp(text) || Instant.safeParse(text).success

const optionalText = ['caseId', 'home', 'from', 'to'] as const
const members = new Set([
  'eventId',
  'at',
  'actor',
  'action',
  'caseId',
  'home',
  'from',
  'to',
  'version',
  'details',
  'hash',
  'prevHash',
  'leafIndex',
])

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** What is wrong with the shape of a parsed event, or `undefined` if it is an `AuditEvent`. */
export const eventShapeProblem = (value: unknown): string | undefined => {
  if (!isObject(value)) return 'not an object'
  for (const key in value) if (!members.has(key)) return `unknown member ${key}`
  const { eventId, at, actor, action, version, details, leafIndex } = value
  if (typeof eventId !== 'string') return 'eventId: not a string'
  if (typeof at !== 'string' || !isInstant(at)) return 'at: not an instant'
  if (!isObject(actor) || typeof actor.participant !== 'string' || typeof actor.sub !== 'string')
    return 'actor: not { participant, sub }'
  for (const key in actor) if (key !== 'participant' && key !== 'sub') return `unknown member actor.${key}`
  if (typeof action !== 'string') return 'action: not a string'
  for (const name of optionalText)
    if (value[name] !== undefined && typeof value[name] !== 'string') return `${name}: not a string`
  if (version !== undefined && !Number.isSafeInteger(version)) return 'version: not an integer'
  if (!isObject(details)) return 'details: not an object'
  // Only the length here: a hash that is not hex never equals the one computed, nor links a chain.
  if (typeof value.hash !== 'string' || value.hash.length !== 64) return 'hash: not a hex SHA-256'
  if (typeof value.prevHash !== 'string' || value.prevHash.length !== 64) return 'prevHash: not a hex SHA-256'
  if (leafIndex !== undefined && !(Number.isSafeInteger(leafIndex) && (leafIndex as number) >= 0))
    return 'leafIndex: not an index'
  return undefined
}

/** RFC 8785 (JCS) text of a value parsed from JSON: sorted members, ECMAScript numbers and strings. */
const canonical = (value: unknown): string => {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  const record = value as Record<string, unknown>
  let text = '{'
  for (const key of Object.keys(record).sort()) {
    if (text.length > 1) text += ','
    text += `${JSON.stringify(key)}:${canonical(record[key])}`
  }
  return `${text}}`
}

/** A lone surrogate as JSON.stringify escapes it (after an even run of backslashes); RFC 8785 refuses it. */
const loneSurrogate = /(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/

/** The members an event's hash covers, in JCS order (UTF-16 code units: what `sort()` does). */
export const hashedMembers = [
  'action',
  'actor',
  'at',
  'caseId',
  'details',
  'eventId',
  'from',
  'home',
  'prevHash',
  'to',
  'version',
] as const

/**
 * `hashEvent` of an event whose shape `eventShapeProblem` accepted: hex SHA-256 of its JCS text
 * without `hash` and `leafIndex`, its members written in their known order; `undefined` for text
 * JCS cannot express (a lone surrogate), which no logged event has.
 */
export const hashOfParsedEvent = (event: AuditEvent): string | undefined => {
  let text = '{'
  for (const name of hashedMembers) {
    const value = event[name]
    if (value === undefined) continue
    if (text.length > 1) text += ','
    text +=
      name === 'actor'
        ? `"actor":{"participant":${JSON.stringify(event.actor.participant)},"sub":${JSON.stringify(event.actor.sub)}}`
        : `"${name}":${typeof value === 'object' ? canonical(value) : JSON.stringify(value)}`
  }
  text += '}'
  if (text.includes('\\u') && loneSurrogate.test(text)) return undefined
  return hash('sha256', text, 'hex')
}
