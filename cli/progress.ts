import type { CommandIo } from './command.js'
import { displayWidth, truncateToWidth } from './table.js'

const units = ['KiB', 'MiB', 'GiB'] as const

/** A size for people: bytes below 1 KiB, else KiB, MiB or GiB with one decimal. */
export const formatSize = (bytes: number): string => {
  if (bytes < 1024) return `${bytes} B`
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/** The progress of one file: `advance` as bytes go, `done` when the whole file went. */
export type FileProgress = { advance: (bytes: number) => void; done: () => void }

const barColumns = 20

/**
 * Per-file progress on stderr, so stdout stays the result: on a terminal a bar redrawn in place
 * (only when the whole percentage changes, so a 50 MiB file costs at most 101 redraws) and then
 * "<verb> <name> (<size>)"; elsewhere only that line per file; with `--json` nothing at all.
 */
export const fileProgress =
  (io: CommandIo, options: { json: boolean; verb: string }) =>
  (name: string, size: number): FileProgress => {
    const finished = `${options.verb} ${name} (${formatSize(size)})`
    const terminal = io.terminal
    if (options.json) return { advance: () => {}, done: () => {} }
    if (terminal === undefined) return { advance: () => {}, done: () => io.error(finished) }
    let sent = 0
    let drawn = -1
    const draw = () => {
      const percent = size === 0 ? 100 : Math.min(100, Math.floor((sent * 100) / size))
      if (percent === drawn) return
      drawn = percent
      const filled = Math.round((percent * barColumns) / 100)
      // ASCII, not block characters: CJK terminals draw those ambiguous-width glyphs two columns wide.
      const bar = `[${'='.repeat(filled)}${' '.repeat(barColumns - filled)}]`
      const tail = ` ${bar} ${String(percent).padStart(3)}% ${formatSize(sent)} / ${formatSize(size)}`
      const label = truncateToWidth(name, Math.max(8, terminal.columns - 1 - displayWidth(tail)))
      terminal.write(`\r\x1b[2K${label}${tail}`)
    }
    draw()
    return {
      advance: (bytes) => {
        sent += bytes
        draw()
      },
      done: () => terminal.write(`\r\x1b[2K${finished}\n`),
    }
  }

/**
 * The client's transfer progress (each document's running byte count, `Progress` of the client) as
 * one `fileProgress` bar per document: `progress` goes to the client, `done` once a document is
 * complete. A later document of the same name (another package's) starts a bar of its own; an upload
 * tried again moves its bar back.
 */
export const transferProgress = (io: CommandIo, options: { json: boolean; verb: string }) => {
  const show = fileProgress(io, options)
  const bars = new Map<string, { bar: FileProgress; sent: number }>()
  return {
    progress: (document: { name: string; size: number }, bytes: number) => {
      const shown = bars.get(document.name) ?? { bar: show(document.name, document.size), sent: 0 }
      shown.bar.advance(bytes - shown.sent)
      shown.sent = bytes
      bars.set(document.name, shown)
    },
    done: (name: string) => {
      bars.get(name)?.bar.done()
      bars.delete(name)
    },
  }
}
