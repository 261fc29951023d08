import * as z from 'zod'
import { DomainError, notFound } from '../errors.js'
import type { Collection, Page, RecordReader } from '../store/changes.js'
import type { Agreement } from './agreement.js'
import { adminParticipant, findParticipant, type ParticipantDirectory } from './find-participant.js'
import type { Item } from './item.js'
import type { Participant } from './participant.js'

/** The query of every registry listing. */
export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional(),
})
export type ListQuery = z.infer<typeof ListQuery>

/** One page of a listing and the opaque cursor of the next, absent on the last page. */
export type Listing<T> = { values: T[]; nextCursor?: string }

/** The cursor position before the first record (ids are never empty). */
const startOfCollection = ''

const encodeCursor = (after: string) => Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url')

const decodeCursor = (cursor: string): string => {
  try {
    const parsed = z
      .strictObject({ after: z.string().max(128) })
      .parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
    return parsed.after
  } catch {
    throw new DomainError('validation-failed', 'The cursor is not one this exchange issued.', {
      errors: [{ path: '/cursor', message: 'invalid cursor' }],
    })
  }
}

const list = async <T>(
  records: RecordReader,
  collection: Collection,
  query: { limit: number; cursor?: string | undefined },
): Promise<Listing<T>> => {
  const position = query.cursor === undefined ? startOfCollection : decodeCursor(query.cursor)
  const after = position === startOfCollection ? undefined : position
  const page: Page<T> = await records.list<T>(collection, { limit: query.limit, after })
  return page.next === undefined
    ? { values: page.values }
    : { values: page.values, nextCursor: encodeCursor(page.next) }
}

/** `GET /v1/participants/{id}`: any authenticated participant may read the registry. */
export const getParticipant = async (deps: ParticipantDirectory, id: string): Promise<Participant> =>
  (await findParticipant(deps, id)) ?? Promise.reject(notFound('The participant'))

/**
 * `GET /v1/participants`: the configured admin first, then the registered participants by id.
 * The admin takes one place of the first page, so no page holds more than `limit` participants.
 */
export const listParticipants = async (
  deps: ParticipantDirectory,
  query: ListQuery,
): Promise<{ participants: Participant[]; nextCursor?: string }> => {
  if (query.cursor !== undefined) {
    const { values, ...next } = await list<Participant>(deps.records, 'participant', query)
    return { participants: values, ...next }
  }
  const admin = adminParticipant(deps.adminJwks)
  if (query.limit === 1) return { participants: [admin], nextCursor: encodeCursor(startOfCollection) }
  const { values, ...next } = await list<Participant>(deps.records, 'participant', { limit: query.limit - 1 })
  return { participants: [admin, ...values], ...next }
}

/** `GET /v1/items/{code}`. */
export const getItem = async (deps: { records: RecordReader }, code: string): Promise<Item> =>
  (await deps.records.get<Item>('item', code))?.value ?? Promise.reject(notFound('The item'))

/** `GET /v1/items`: the catalogue by code. */
export const listItems = async (deps: { records: RecordReader }, query: ListQuery) => {
  const { values, ...next } = await list<Item>(deps.records, 'item', query)
  return { items: values, ...next }
}

/** `GET /v1/agreements/{id}`. */
export const getAgreement = async (deps: { records: RecordReader }, id: string): Promise<Agreement> =>
  (await deps.records.get<Agreement>('agreement', id))?.value ?? Promise.reject(notFound('The agreement'))

/** `GET /v1/agreements`: agreements by id. */
export const listAgreements = async (deps: { records: RecordReader }, query: ListQuery) => {
  const { values, ...next } = await list<Agreement>(deps.records, 'agreement', query)
  return { agreements: values, ...next }
}
