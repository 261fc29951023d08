import * as z from 'zod'
import { addDays } from '../clock/calendar.js'
import { beijingDate } from '../clock/deadline.js'
import { DomainError } from '../errors.js'
import { ItemCode, ParticipantId } from '../registry/ids.js'
import type { Principal } from '../trust/principal.js'
import { type BucketKind, type BucketSelection, groupSeparator, type StatisticsReader } from './buckets.js'
import { addCounts, type Counts, medianOf, noCounts, onTimeRateOf } from './counts.js'

/** How `GET /v1/stats` groups legs. */
export const GroupBy = z.enum(['home', 'accepting', 'item', 'pair'])
export type GroupBy = z.infer<typeof GroupBy>

/** The longest range one request may span, in days: a year, leap day included. */
export const maxRangeDays = 366

/** The range a request without `from` spans: thirty days up to `to`. */
export const defaultRangeDays = 30

// A plain datetime rather than `Instant`: a registered schema inside a parameter becomes a `$ref`
// that OpenAPI cannot resolve from there.
const Day = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((value) => (value.length === 10 ? value : beijingDate(value)))
  .describe('A Beijing calendar day, YYYY-MM-DD; an instant names the Beijing day it falls on.')

/** The query of `GET /v1/stats`. */
export const StatsQuery = z.strictObject({
  from: Day.optional().describe(
    `The first day counted; by default ${defaultRangeDays - 1} days before \`to\`.`,
  ),
  to: Day.optional().describe('The last day counted; by default today (Beijing).'),
  groupBy: GroupBy.default('home'),
})
export type StatsQuery = z.infer<typeof StatsQuery>

const count = z.number().int().min(0)

/** One group's statistics over the range. */
export const GroupStatistics = z
  .object({
    group: z
      .string()
      .describe('The home, the accepting participant, the item code, or `<accepting>→<home>`.'),
    home: ParticipantId.optional(),
    accepting: ParticipantId.optional(),
    itemCode: ItemCode.optional(),
    submitted: count.describe('Legs handed over (a joint case counts one per home).'),
    accepted: count,
    approved: count,
    rejected: count,
    withdrawn: count,
    delivered: count,
    overdue: count.describe('Legs the supervision sweep flagged overdue.'),
    decided: count.describe('Decisions (approve or reject) made under a deadline.'),
    decidedOnTime: count.describe('Of those, the ones made by the deadline.'),
    onTimeRate: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .describe('decidedOnTime / decided; null without decisions.'),
    medianWorkingDaysToDecision: z
      .number()
      .min(0)
      .nullable()
      .describe(
        'Working days from acceptance to decision, less the days supplement requests paused the clock; ' +
          'the median of the decisions in the range, null without any.',
      ),
  })
  .meta({ id: 'GroupStatistics' })
export type GroupStatistics = z.infer<typeof GroupStatistics>

/** `GET /v1/stats`. */
export const Statistics = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    groupBy: GroupBy,
    scope: z
      .enum(['all', 'own'])
      .describe('`all` for auditors and the admin; `own`: only the legs the caller is a party to.'),
    groups: z.array(GroupStatistics),
  })
  .meta({ id: 'Statistics' })
export type Statistics = z.infer<typeof Statistics>

/** What reading statistics needs: the buckets and a clock (for the default range). */
export type StatsDeps = { statistics: StatisticsReader; clock: () => Date }

/** Who sees every leg's statistics; everyone else sees those of the legs it is a party to. */
export const overseers = ['auditor', 'admin'] as const

const invalid = (path: string, message: string) =>
  new DomainError('validation-failed', 'The range is not valid.', { errors: [{ path, message }] })

const daysFrom = (from: string, to: string) => {
  const days: string[] = []
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day)
  return days
}

/** A source of a participant's own statistics: which buckets, and the group each belongs to. */
type Source = { kind: BucketKind; selection: BucketSelection; groupOf: (key: string) => string | undefined }

const split = (key: string) => key.split(groupSeparator)
const pairKey = (accepting: string, home: string) => `${accepting}${groupSeparator}${home}`

/**
 * Where a participant's own statistics come from: the legs it is a party to, grouped as asked.
 * As home, its legs are its `home` bucket and the `pair-by-home` buckets it heads; as accepting,
 * its `accepting` bucket and the `pair` buckets it heads. A leg it is both sides of counts once.
 */
const ownSources = (groupBy: GroupBy, me: string): Source[] => {
  const headed = { prefix: `${me}${groupSeparator}` }
  switch (groupBy) {
    case 'home':
      return [
        { kind: 'home', selection: { group: me }, groupOf: () => me },
        {
          kind: 'pair',
          selection: headed,
          groupOf: (key) => (split(key)[1] === me ? undefined : split(key)[1]),
        },
      ]
    case 'accepting':
      return [
        { kind: 'accepting', selection: { group: me }, groupOf: () => me },
        {
          kind: 'pair-by-home',
          selection: headed,
          groupOf: (key) => (split(key)[1] === me ? undefined : split(key)[1]),
        },
      ]
    case 'pair':
      return [
        { kind: 'pair', selection: headed, groupOf: (key) => key },
        {
          kind: 'pair-by-home',
          selection: headed,
          groupOf: (key) => {
            const accepting = split(key)[1]
            return accepting === undefined || accepting === me ? undefined : pairKey(accepting, me)
          },
        },
      ]
    case 'item':
      return [{ kind: 'party-item', selection: headed, groupOf: (key) => split(key)[1] }]
  }
}

/** A group's summed counts as the API shows them. */
const groupView = (groupBy: GroupBy, key: string, counts: Counts): GroupStatistics => {
  const [first = key, second = ''] = split(key)
  const named = {
    pair: { group: `${first}→${second}`, accepting: first, home: second },
    home: { group: key, home: key },
    accepting: { group: key, accepting: key },
    item: { group: key, itemCode: key },
  }[groupBy]
  return {
    ...named,
    submitted: counts.submitted,
    accepted: counts.accepted,
    approved: counts.approved,
    rejected: counts.rejected,
    withdrawn: counts.withdrawn,
    delivered: counts.delivered,
    overdue: counts.overdue,
    decided: counts.onTime + counts.late,
    decidedOnTime: counts.onTime,
    onTimeRate: onTimeRateOf(counts),
    medianWorkingDaysToDecision: medianOf(counts.days),
  }
}

/**
 * `GET /v1/stats`: per group, the legs submitted, accepted, approved, rejected, withdrawn,
 * delivered and flagged overdue on the Beijing days from `from` to `to` (inclusive, at most
 * `maxRangeDays`), the on-time rate of the decisions made on them and their median working days.
 * Auditors and the admin see every leg; any other participant the legs it is a party to, as home
 * or as accepting participant, in any grouping. The counts lag the events by the statistics job's
 * schedule (a minute on AWS).
 */
export const readStatistics = async (
  deps: StatsDeps,
  command: { query: StatsQuery; caller: Principal },
): Promise<Statistics> => {
  const { query, caller } = command
  const to = query.to ?? beijingDate(deps.clock().toISOString())
  const from = query.from ?? addDays(to, -(defaultRangeDays - 1))
  if (from > to) throw invalid('/query/from', 'must not be after to')
  if (addDays(from, maxRangeDays - 1) < to) {
    throw invalid('/query/to', `the range spans at most ${maxRangeDays} days`)
  }
  const days = daysFrom(from, to)

  const oversight = caller.roles.some((role) => (overseers as readonly string[]).includes(role))
  const sources: Source[] = oversight
    ? [{ kind: query.groupBy, selection: { all: true }, groupOf: (key) => key }]
    : ownSources(query.groupBy, caller.participant)
  const sums = new Map<string, Counts>()
  for (const source of sources) {
    for (const bucket of await deps.statistics.buckets(source.kind, days, source.selection)) {
      const group = source.groupOf(bucket.group)
      if (group === undefined) continue
      sums.set(group, addCounts(sums.get(group) ?? noCounts(), bucket.counts))
    }
  }
  const groups = [...sums]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, counts]) => groupView(query.groupBy, key, counts))
  return { from, to, groupBy: query.groupBy, scope: oversight ? 'all' : 'own', groups }
}
