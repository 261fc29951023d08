import { describe, expect, it } from 'vitest'
import { displayWidth, formatTable, truncateToWidth } from '../../cli/table.js'

describe('displayWidth', () => {
  it.each([
    ['Nanjing', 7],
    ['西安市雁塔区', 12],
    ['雁塔区 window 7', 15],
    ['（全角）', 8],
    ['ＡＢ', 4],
    ['e\u0301', 1],
    ['a\u200db', 2],
    ['', 0],
  ])('counts %j as %i columns', (text, width) => {
    expect(displayWidth(text)).toBe(width)
  })
})

describe('formatTable', () => {
  it('lines up Chinese and Latin names, numbers to the right', () => {
    expect(
      formatTable(
        [{ header: 'home' }, { header: 'cases', align: 'right' }, { header: 'on time' }],
        [
          ['西安市雁塔区', '1,204', '98%'],
          ['Nanjing', '3', ''],
        ],
      ),
    ).toEqual(['home          cases  on time', '西安市雁塔区  1,204  98%', 'Nanjing           3'])
  })

  it('has no heading row when no column has a heading', () => {
    expect(
      formatTable(
        [{}, {}],
        [
          ['kid', 'abc'],
          ['private key', 'k.json'],
        ],
      ),
    ).toEqual(['kid          abc', 'private key  k.json'])
  })
})

describe('truncateToWidth', () => {
  it('keeps what fits', () => {
    expect(truncateToWidth('报告.pdf', 8)).toBe('报告.pdf')
  })

  it('cuts with an ellipsis, never splitting a Chinese character', () => {
    expect(truncateToWidth('营业执照副本扫描件.pdf', 8)).toBe('营业执…')
    expect(truncateToWidth('scan-of-the-licence.pdf', 8)).toBe('scan-of…')
  })
})
