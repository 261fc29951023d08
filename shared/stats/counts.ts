/** What happened to the legs of a bucket, one count each: what a statistics row shows by name. */
export const legCounters = [
  'submitted',
  'accepted',
  'approved',
  'rejected',
  'withdrawn',
  'delivered',
  'overdue',
] as const

/** What the statistics count of the legs in a bucket; each is a sum of increments. */
export const counters = [
  ...legCounters,
  /** Decisions (approve or reject) made by the leg's deadline. */
  'onTime',
  /** Decisions made after it. */
  'late',
] as const
export type Counter = (typeof counters)[number]

/**
 * The counts of a bucket: the counters, and a histogram of decisions by the working days they
 * took (`days[n]` decisions took n working days), from which medians of any sum of buckets follow.
 */
export type Counts = Record<Counter, number> & { days: Record<number, number> }

/** Counts of nothing. */
export const noCounts = (): Counts => ({
  submitted: 0,
  accepted: 0,
  approved: 0,
  rejected: 0,
  withdrawn: 0,
  delivered: 0,
  overdue: 0,
  onTime: 0,
  late: 0,
  days: {},
})

/** The sum of two counts, as a new value. */
export const addCounts = (a: Counts, b: Counts): Counts => {
  const sum = noCounts()
  for (const counter of counters) sum[counter] = a[counter] + b[counter]
  for (const histogram of [a.days, b.days]) {
    for (const [days, count] of Object.entries(histogram)) {
      sum.days[Number(days)] = (sum.days[Number(days)] ?? 0) + count
    }
  }
  return sum
}

/** The median of a histogram (the mean of the two middle values for an even count); null when empty. */
export const medianOf = (histogram: Record<number, number>): number | null => {
  const bins = Object.entries(histogram)
    .map(([days, count]) => [Number(days), count] as const)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a - b)
  const total = bins.reduce((sum, [, count]) => sum + count, 0)
  if (total === 0) return null
  /** The value at a 0-based rank of the sorted decisions. */
  const at = (rank: number) => {
    let seen = 0
    for (const [days, count] of bins) {
      seen += count
      if (rank < seen) return days
    }
    throw new Error('rank beyond the histogram')
  }
  return total % 2 === 1 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2
}

/** The share of decisions made by the deadline; null when nothing was decided. */
export const onTimeRateOf = (counts: Pick<Counts, 'onTime' | 'late'>): number | null => {
  const decided = counts.onTime + counts.late
  return decided === 0 ? null : counts.onTime / decided
}
