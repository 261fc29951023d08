/**
 * East Asian Wide and Fullwidth ranges (UAX #11) that terminals draw two columns wide: Hangul Jamo,
 * CJK punctuation, kana, ideographs, Yi, Hangul syllables, compatibility ideographs and forms,
 * fullwidth forms, the common emoji blocks, and the supplementary ideographic planes. Item and
 * participant names are Chinese, so these ranges are what keeps columns straight.
 */
const wideRanges: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
]

/** Characters that take no column: controls, format characters (zero-width joiners …), combining marks. */
const zeroWidth = /^[\p{Cc}\p{Cf}\p{Mn}\p{Me}]$/u

const columnsOf = (character: string) => {
  if (zeroWidth.test(character)) return 0
  const code = character.codePointAt(0) ?? 0
  return wideRanges.some(([from, to]) => code >= from && code <= to) ? 2 : 1
}

/** How many terminal columns `text` takes: Chinese characters take two. */
export const displayWidth = (text: string): number => {
  let width = 0
  for (const character of text) width += columnsOf(character)
  return width
}

/** `text` cut to at most `width` columns, an ellipsis marking the cut; never splits a wide character. */
export const truncateToWidth = (text: string, width: number): string => {
  if (displayWidth(text) <= width) return text
  let kept = ''
  let used = 0
  for (const character of text) {
    const columns = columnsOf(character)
    if (used + columns > width - 1) break
    kept += character
    used += columns
  }
  return `${kept}…`
}

/** `text` padded with spaces to `width` columns, on the right (`left` alignment) or on the left. */
const pad = (text: string, width: number, align: 'left' | 'right') => {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)))
  return align === 'left' ? `${text}${fill}` : `${fill}${text}`
}

/** One column: its heading (no heading row when no column has one) and how its cells align. */
export type Column = { header?: string; align?: 'left' | 'right' }

/**
 * Aligned columns for people, two spaces apart, as lines without trailing spaces. Widths are
 * terminal columns, so a Chinese name lines up with a Latin one.
 */
export const formatTable = (columns: readonly Column[], rows: readonly (readonly string[])[]): string[] => {
  const header = columns.some((column) => column.header !== undefined)
  const all = header ? [columns.map((column) => column.header ?? ''), ...rows] : rows
  const widths = columns.map((_, index) => Math.max(0, ...all.map((row) => displayWidth(row[index] ?? ''))))
  return all.map((row) =>
    columns
      .map((column, index) => pad(row[index] ?? '', widths[index] ?? 0, column.align ?? 'left'))
      .join('  ')
      .trimEnd(),
  )
}
