import { describe, expect, it } from 'vitest'
import type { CommandIo } from '../../cli/command.js'
import { fileProgress, formatSize, transferProgress } from '../../cli/progress.js'
import { displayWidth } from '../../cli/table.js'

const mib = 1024 * 1024

/** What starts every redraw: back to the line's start, erase the line. */
const clearLine = '\r\x1b[2K'

/** An io whose stderr is a terminal `columns` wide (or no terminal), recording every write. */
const capture = (columns?: number) => {
  const writes: string[] = []
  const lines: string[] = []
  const io: CommandIo = {
    print: () => {
      throw new Error('progress never writes to stdout')
    },
    error: (line) => lines.push(line),
    ...(columns === undefined ? {} : { terminal: { columns, write: (text) => writes.push(text) } }),
  }
  return { io, writes, lines }
}

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [50 * mib, '50.0 MiB'],
    [3 * 1024 * mib, '3.0 GiB'],
  ])('writes %i bytes as %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text)
  })
})

describe('fileProgress', () => {
  it('draws a bar in place on a terminal, once per percent, and ends with the file line', () => {
    const { io, writes, lines } = capture(60)
    const bar = fileProgress(io, { json: false, verb: 'uploaded' })(
      '营业执照副本扫描件（正反面）.pdf',
      50 * mib,
    )
    for (let chunk = 0; chunk < 800; chunk += 1) bar.advance(64 * 1024)
    bar.done()
    expect(lines).toEqual([])
    expect(writes).toHaveLength(102)
    expect(writes.every((write) => write.startsWith(clearLine))).toBe(true)
    const drawn = writes.map((write) => write.slice(clearLine.length))
    expect(drawn.at(-1)).toBe('uploaded 营业执照副本扫描件（正反面）.pdf (50.0 MiB)\n')
    expect(drawn[0]).toMatch(/^营业执照.*… \[ {20}\] {3}0% 0 B \/ 50\.0 MiB$/)
    expect(drawn.at(-2)).toMatch(/\[={20}\] 100% 50\.0 MiB \/ 50\.0 MiB$/)
    for (const line of drawn.slice(0, -1)) expect(displayWidth(line)).toBeLessThan(60)
  })

  it('prints one line per finished file when stderr is not a terminal', () => {
    const { io, lines } = capture()
    const show = fileProgress(io, { json: false, verb: 'downloaded' })
    for (const name of ['a.pdf', 'b.png']) {
      const bar = show(name, 2048)
      bar.advance(2048)
      bar.done()
    }
    expect(lines).toEqual(['downloaded a.pdf (2.0 KiB)', 'downloaded b.png (2.0 KiB)'])
  })

  it('writes nothing with --json', () => {
    const { io, writes, lines } = capture(80)
    const bar = fileProgress(io, { json: true, verb: 'uploaded' })('a.pdf', 10)
    bar.advance(10)
    bar.done()
    expect([...writes, ...lines]).toEqual([])
  })
})

describe('transferProgress', () => {
  it("draws the client's running byte counts as one bar per document, a document of the same name anew", () => {
    const { io, writes } = capture(80)
    const transfer = transferProgress(io, { json: false, verb: 'downloaded' })
    const form = { name: 'form.pdf', size: 1000 }
    for (const round of [1, 2]) {
      for (const bytes of [500, 1000]) transfer.progress(form, bytes)
      transfer.done(form.name)
      expect(writes.at(-2)).toMatch(/ 100% 1000 B \/ 1000 B$/)
      expect(writes.at(-1)).toBe(`${clearLine}downloaded form.pdf (1000 B)\n`)
      expect(writes).toHaveLength(4 * round)
    }
  })
})
