import { describe, expect, it } from 'vitest'
import { isValidResidentId } from '#shared/cases/resident-id.js'

/** Numbers whose check character is right (the first two are the standard's own examples). */
const valid = [
  '11010519491231002X',
  '440524188001010014',
  '610113199003071237',
  '510108198508156640',
  '110101200002290034',
]

describe('isValidResidentId', () => {
  it.each(valid)('accepts %s', (number) => {
    expect(isValidResidentId(number)).toBe(true)
  })

  it.each([
    ['a wrong check digit', '110105194912310021'],
    ['a check X where a digit belongs', '44052418800101001X'],
    ['a lowercase check x', '11010519491231002x'],
    ['17 characters', '11010519491231002'],
    ['19 characters', '11010519491231002X0'],
    ['the old 15-digit form', '110105491231002'],
    ['a letter inside', '1101051949123100AX'],
    ['spaces around it', ' 11010519491231002X'],
    ['an empty string', ''],
  ])('refuses %s', (_, number) => {
    expect(isValidResidentId(number)).toBe(false)
  })

  // Each carries the check character its first 17 digits give: only the date is wrong.
  it.each([
    ['29 February of a year that is not a leap year', '110101202302290035'],
    ['29 February 1900 (not a leap year)', '110101190002290038'],
    ['month 13', '110101202313010035'],
    ['32 January', '110101202301320036'],
    ['31 April', '110101202304310036'],
  ])('refuses a birth date of %s even with the right check character', (_, number) => {
    expect(isValidResidentId(number)).toBe(false)
  })

  it('catches every change of a single digit (what MOD 11-2 guarantees)', () => {
    for (const number of valid) {
      for (let position = 0; position < 17; position++) {
        for (let digit = 0; digit <= 9; digit++) {
          if (String(digit) === number[position]) continue
          const changed = `${number.slice(0, position)}${digit}${number.slice(position + 1)}`
          expect(isValidResidentId(changed), changed).toBe(false)
        }
      }
    }
  })
})
