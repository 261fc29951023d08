import { describe, expect, it } from 'vitest'
import { CommandError } from '../../cli/command-error.js'
import { countOption } from '../../cli/count-option.js'

describe('countOption', () => {
  it('takes a whole number of 1 or more, and nothing when the option is absent', () => {
    expect([
      countOption('20', '--limit', 'bad-limit'),
      countOption(undefined, '--limit', 'bad-limit'),
    ]).toEqual([20, undefined])
  })

  it.each(['0', '-1', '2.0', '1e2', '0x10', ' 5', '', 'ten', '9007199254740993'])(
    'refuses %j as a usage error under the code it is given',
    (value) => {
      const refusal = (() => {
        try {
          return countOption(value, '--limit', 'bad-limit')
        } catch (error) {
          return error
        }
      })()
      expect(refusal).toBeInstanceOf(CommandError)
      expect({ code: (refusal as CommandError).code, status: (refusal as CommandError).status }).toEqual({
        code: 'bad-limit',
        status: 2,
      })
    },
  )
})
