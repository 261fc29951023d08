/** One timed call; `index` counts the calls of its side from 0, so each call can take fresh input. */
export type Operation = (index: number) => Promise<unknown>

/** Order statistics of a set of samples, in the samples' unit. */
export type Summary = { count: number; median: number; p99: number; mean: number; min: number; max: number }

/** The value at quantile `q` of ascending `sorted` samples (nearest rank). */
const quantile = (sorted: readonly number[], q: number): number => {
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
  if (value === undefined) throw new Error('no samples')
  return value
}

/** The median, p99, mean and range of `samples`. */
export const summarize = (samples: readonly number[]): Summary => {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    count: sorted.length,
    median: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    min: quantile(sorted, 0),
    max: quantile(sorted, 1),
  }
}

export type ComparisonOptions = {
  baseline: Operation
  subject: Operation
  /** Untimed calls of each side before the first round (JIT, caches, connections). */
  warmup: number
  rounds: number
  /** Timed calls of each side per round. */
  perRound: number
  /** Also time each call's process CPU (`process.cpuUsage()` around it), for per-call CPU percentiles. */
  cpuPerCall?: boolean
  /**
   * Untimed work after each call of a side (warm-up calls included), such as restoring the state
   * the next call needs; neither its time nor its CPU is in any figure.
   */
  reset?: { baseline?: Operation; subject?: Operation }
}

/** Per-call times in microseconds of both sides, and how the subject compares with the baseline. */
export type Comparison = {
  baseline: Summary
  subject: Summary
  /** Subject median over baseline median, all rounds pooled. */
  ratio: number
  /** The same ratio computed round by round: its spread shows how much the machine drifted. */
  roundRatios: Summary
  /**
   * Process CPU time per call in microseconds (median over rounds of each round's total divided by
   * its calls), and the subject's over the baseline's: time other processes take is not in it.
   */
  cpu: { baseline: number; subject: number; ratio: number }
  /** Each call's own process CPU time in microseconds, when `cpuPerCall` asked for it. */
  cpuPerCall?: { baseline: Summary; subject: Summary }
}

/**
 * Times `subject` against `baseline` in the same process, alternating them round by round and
 * swapping which goes first (ABBA), so that drift on a shared machine falls on both sides alike.
 */
export const compare = async (options: ComparisonOptions): Promise<Comparison> => {
  const newSide = (run: Operation, reset: Operation | undefined) => ({
    run,
    reset,
    next: 0,
    samples: [] as number[],
    cpu: [] as number[],
    callCpu: [] as number[],
    /** CPU time the resets of the current round took, taken out of the round's CPU. */
    resetCpu: 0,
  })
  const sides = {
    baseline: newSide(options.baseline, options.reset?.baseline),
    subject: newSide(options.subject, options.reset?.subject),
  }
  type Side = (typeof sides)[keyof typeof sides]
  const time = async (side: Side, calls: number, into: number[] | undefined) => {
    for (let call = 0; call < calls; call++) {
      const index = side.next++
      const cpuBefore = options.cpuPerCall === true ? process.cpuUsage() : undefined
      const started = performance.now()
      await side.run(index)
      const micros = (performance.now() - started) * 1000
      if (cpuBefore !== undefined && into !== undefined) {
        const cpu = process.cpuUsage(cpuBefore)
        side.callCpu.push(cpu.user + cpu.system)
      }
      into?.push(micros)
      if (side.reset !== undefined) {
        const resetBefore = process.cpuUsage()
        await side.reset(index)
        const cpu = process.cpuUsage(resetBefore)
        side.resetCpu += cpu.user + cpu.system
      }
    }
  }
  for (let call = 0; call < options.warmup; call++) {
    await time(sides.baseline, 1, undefined)
    await time(sides.subject, 1, undefined)
  }
  const roundRatios: number[] = []
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? [sides.baseline, sides.subject] : [sides.subject, sides.baseline]
    const ofRound = new Map<Side, number[]>()
    for (const side of order) {
      const samples: number[] = []
      side.resetCpu = 0
      const cpuBefore = process.cpuUsage()
      await time(side, options.perRound, samples)
      const cpu = process.cpuUsage(cpuBefore)
      side.cpu.push((cpu.user + cpu.system - side.resetCpu) / options.perRound)
      side.samples.push(...samples)
      ofRound.set(side, samples)
    }
    roundRatios.push(
      summarize(ofRound.get(sides.subject) ?? []).median /
        summarize(ofRound.get(sides.baseline) ?? []).median,
    )
  }
  const baseline = summarize(sides.baseline.samples)
  const subject = summarize(sides.subject.samples)
  const cpu = { baseline: summarize(sides.baseline.cpu).median, subject: summarize(sides.subject.cpu).median }
  return {
    baseline,
    subject,
    ratio: subject.median / baseline.median,
    roundRatios: summarize(roundRatios),
    cpu: { ...cpu, ratio: cpu.subject / cpu.baseline },
    ...(options.cpuPerCall === true
      ? {
          cpuPerCall: {
            baseline: summarize(sides.baseline.callCpu),
            subject: summarize(sides.subject.callCpu),
          },
        }
      : {}),
  }
}

/** How many calls of one side a comparison makes, warm-up included: the fresh inputs it needs. */
export const callsPerSide = (options: Pick<ComparisonOptions, 'warmup' | 'rounds' | 'perRound'>) =>
  options.warmup + options.rounds * options.perRound

/** The element at `index`, or a loud error when a benchmark prepared too few inputs. */
export const nth = <T>(list: readonly T[], index: number): T => {
  const value = list[index]
  if (value === undefined) throw new Error(`input ${index} was not prepared (only ${list.length})`)
  return value
}
