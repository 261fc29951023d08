import { execFile } from 'node:child_process'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { summarize } from './measure.js'
import { figure, type Section, times } from './report.js'

/** A module to import in a fresh process, under the name it is reported by. */
export type ImportTarget = { name: string; file: string }

/** What the child runs: time one dynamic import, print it, and let the process end by itself. */
const script = [
  'const cpu = process.cpuUsage()',
  'const started = performance.now()',
  'await import(process.env.BENCH_IMPORT_URL)',
  'const ms = performance.now() - started',
  'const { user, system } = process.cpuUsage(cpu)',
  'process.stdout.write(JSON.stringify({ ms, cpuMs: (user + system) / 1000 }) + "\\n")',
].join('\n')

/** One import's wall-clock and CPU milliseconds. */
type Timing = { ms: number; cpuMs: number }

/** How long one fresh Node process takes to import `file` (module evaluation included). */
const importOnce = async (file: string, env: Record<string, string>): Promise<Timing> => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...env, BENCH_IMPORT_URL: pathToFileURL(file).href },
    timeout: 30_000,
  })
  const last = stdout.trim().split('\n').at(-1) ?? ''
  const { ms, cpuMs } = JSON.parse(last) as Partial<Record<keyof Timing, unknown>>
  if (typeof ms !== 'number' || typeof cpuMs !== 'number') {
    throw new Error(`no timing from the import of ${file}: ${stdout}`)
  }
  return { ms, cpuMs }
}

/**
 * Benchmark 3: each bundle's import time in a fresh process, as a ratio to the reference bundle.
 * Every round imports every module once, in an order rotated round by round, so that drift and
 * position effects fall on all of them alike.
 */
export const importTimes = async (
  reference: ImportTarget,
  targets: readonly ImportTarget[],
  env: Record<string, string>,
  rounds = 5,
): Promise<Section> => {
  const all = [reference, ...targets]
  const samples = new Map<ImportTarget, Timing[]>(all.map((target) => [target, []]))
  for (let round = 0; round < rounds; round++) {
    const shift = (round * 5) % all.length
    for (const target of [...all.slice(shift), ...all.slice(0, shift)]) {
      samples.get(target)?.push(await importOnce(target.file, env))
    }
  }
  const summaryOf = (target: ImportTarget) => {
    const timings = samples.get(target) ?? []
    return {
      wall: summarize(timings.map((timing) => timing.ms)),
      cpu: summarize(timings.map((timing) => timing.cpuMs)),
    }
  }
  const base = summaryOf(reference)
  const rows = all
    .map((target) => ({ target, summary: summaryOf(target) }))
    .sort((a, b) => b.summary.wall.median - a.summary.wall.median)
    .map(({ target, summary }) => [
      target === reference ? `${target.name} (reference)` : target.name,
      figure(summary.wall.median),
      `${figure(summary.wall.min)}–${figure(summary.wall.max)}`,
      times(summary.wall.median / base.wall.median),
      figure(summary.cpu.median),
      times(summary.cpu.median / base.cpu.median),
    ])
  return {
    title: 'Import time per function in a fresh process',
    about: [
      'For each bundle, a fresh `node` process times `await import(bundle)` with `performance.now()`',
      '(module evaluation included: each handler builds its clients and reads its configuration at',
      'load). Reference: a bundle holding only `new DynamoDBClient({})`, built with the same options',
      `(SDK external). ${rounds} rounds, every module once per round in a rotated order; medians.`,
    ],
    columns: [
      { title: 'function', align: 'left' },
      { title: 'median ms' },
      { title: 'range ms' },
      { title: 'ratio to reference' },
      { title: 'median CPU ms' },
      { title: 'CPU ratio' },
    ],
    rows,
    goals: [],
    notes: [
      'The issue asks for the ratio and sets no goal for it.',
      '"CPU" is the child\'s CPU time (user + system, all threads) over the same import: other' +
        ' processes on the shared machine do not inflate it as they inflate wall-clock time.',
      'Node startup before the import and the Lambda runtime are not in these figures; the external' +
        ' AWS SDK is loaded from node_modules, as the Lambda runtime loads its own copy.',
    ],
  }
}
