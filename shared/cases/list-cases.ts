import * as z from 'zod'
import type { Calendar } from '../clock/calendar.js'
import { DomainError } from '../errors.js'
import type { Principal } from '../trust/principal.js'
import { type CaseReadDeps, CaseView, legView } from './case-view.js'
import { LegStatus } from './leg-status.js'
import type { CasePosition } from './stored-case.js'

/** What listing needs: the cases, calendars for the deadline flags and a clock; never the personal data. */
export type CaseListDeps = Omit<CaseReadDeps, 'vault'>

/** The query of `GET /v1/cases`: the caller's own cases in one role, optionally by leg status. */
export const CaseQuery = z.strictObject({
  role: z.enum(['accepting', 'home']),
  status: LegStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(1024).optional(),
})
export type CaseQuery = z.infer<typeof CaseQuery>

/** A case in a listing: what it is and where its legs stand, without personal data. */
export const CaseSummary = CaseView.pick({
  caseId: true,
  acceptingRef: true,
  accepting: true,
  itemCode: true,
  mode: true,
  createdAt: true,
  legs: true,
}).meta({ id: 'CaseSummary' })

/** `GET /v1/cases`. */
export const CaseList = z
  .object({ cases: z.array(CaseSummary), nextCursor: z.string().optional() })
  .meta({ id: 'CaseList' })
export type CaseList = z.infer<typeof CaseList>

const Cursor = z.strictObject({
  role: z.enum(['accepting', 'home']),
  partySort: z.string(),
  pk: z.string(),
  sk: z.string(),
})

const encodeCursor = (role: string, position: CasePosition) =>
  Buffer.from(JSON.stringify({ role, ...position }), 'utf8').toString('base64url')

/**
 * Decodes a cursor. It only positions a listing inside the caller's own partition of the index
 * (the partition comes from the caller, never from the cursor), so an edited cursor can skip or
 * repeat the caller's cases but never reach another participant's.
 */
const decodeCursor = (cursor: string, role: string): CasePosition => {
  try {
    const { role: cursorRole, ...position } = Cursor.parse(
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')),
    )
    if (cursorRole === role) return position
  } catch {}
  throw new DomainError('validation-failed', 'The cursor is not one this exchange issued for this query.', {
    errors: [{ path: '/query/cursor', message: 'invalid cursor' }],
  })
}

/** `GET /v1/cases?role=&status=`: the caller's cases, newest first, each with its legs (a home sees its own). */
export const listCases = async (
  deps: CaseListDeps,
  command: { query: CaseQuery; caller: Principal },
): Promise<CaseList> => {
  const { query, caller } = command
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.role)
  const page = await deps.cases.listByParty(query.role, caller.participant, { limit: query.limit, after })
  const now = deps.clock()
  const calendars = new Map<number, Calendar>()
  const records = await Promise.all(page.caseIds.map((caseId) => deps.cases.load(caseId)))
  const cases = await Promise.all(
    records.flatMap((record) => {
      if (record === undefined) return []
      const legs = record.legs.filter((leg) => query.role === 'accepting' || leg.home === caller.participant)
      if (query.status !== undefined && !legs.some((leg) => leg.status === query.status)) return []
      return [
        (async () => ({
          caseId: record.case.caseId,
          acceptingRef: record.case.acceptingRef,
          accepting: record.case.accepting,
          itemCode: record.case.itemCode,
          mode: record.case.mode,
          createdAt: record.case.createdAt,
          legs: await Promise.all(legs.map((leg) => legView(deps, leg, now, calendars))),
        }))(),
      ]
    }),
  )
  return { cases, ...(page.next === undefined ? {} : { nextCursor: encodeCursor(query.role, page.next) }) }
}
