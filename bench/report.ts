/** A goal from the issue and whether this run met it; `undefined` when there was nothing to judge. */
export type Goal = { text: string; met: boolean | undefined }

/** A column of a results table; figures are right-aligned. */
export type Column = { title: string; align?: 'left' | 'right' }

/** One benchmark's results as printed: what it measures, a table, the goals and the caveats. */
export type Section = {
  title: string
  about: string[]
  columns: Column[]
  rows: string[][]
  goals: Goal[]
  notes: string[]
}

/** `value` with `digits` decimals and thousands separators. */
export const figure = (value: number, digits = 1) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

/** A ratio as printed, e.g. `1.23×`. */
export const times = (ratio: number) => `${ratio.toFixed(2)}×`

/** Bytes in KB (1 KB = 1,000 bytes, as esbuild's metafile and the Lambda console count). */
export const kilobytes = (bytes: number) => figure(bytes / 1000)

/** Whether a goal was met, as printed. */
export const verdict = (met: boolean | undefined) => (met === undefined ? 'no goal' : met ? 'met' : 'NOT MET')

/** A Markdown table whose columns line up in a terminal too. */
export const table = (columns: readonly Column[], rows: readonly string[][]) => {
  const widths = columns.map((column, index) =>
    Math.max(3, column.title.length, ...rows.map((row) => (row[index] ?? '').length)),
  )
  const cell = (text: string, index: number) => {
    const width = widths[index] ?? 0
    return columns[index]?.align === 'left' ? text.padEnd(width) : text.padStart(width)
  }
  const line = (cells: readonly string[]) =>
    `| ${columns.map((_, i) => cell(cells[i] ?? '', i)).join(' | ')} |`
  const rule = `|${widths.map((width, i) => (columns[i]?.align === 'left' ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`
  return [line(columns.map((column) => column.title)), rule, ...rows.map((row) => line(row))].join('\n')
}

/** A section as Markdown: title, what it measures, table, goals with their verdicts, notes. */
export const render = (section: Section) =>
  [
    `### ${section.title}`,
    '',
    ...section.about,
    '',
    table(section.columns, section.rows),
    '',
    ...section.goals.map((goal) => `- Goal: ${goal.text}: **${verdict(goal.met)}**`),
    ...section.notes.map((note) => `- ${note}`),
    '',
  ].join('\n')
