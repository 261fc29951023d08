import { describe, expect, it } from 'vitest'
import { addCounts, medianOf, noCounts, onTimeRateOf } from '#shared/stats/counts.js'

describe('medianOf', () => {
  it('takes the middle decision of an odd count', () => {
    expect(medianOf({ 1: 1, 3: 1, 9: 1 })).toBe(3)
    expect(medianOf({ 2: 5 })).toBe(2)
  })

  it('takes the mean of the two middle decisions of an even count', () => {
    expect(medianOf({ 1: 1, 4: 1 })).toBe(2.5)
    expect(medianOf({ 0: 2, 6: 1, 7: 1 })).toBe(3)
  })

  it('reads the histogram in day order, whatever order its keys come in', () => {
    expect(medianOf({ 10: 1, 2: 3, 5: 1 })).toBe(2)
  })

  it('is null without decisions', () => {
    expect(medianOf({})).toBeNull()
    expect(medianOf({ 3: 0 })).toBeNull()
  })
})

describe('onTimeRateOf', () => {
  it('is the share of decisions made by the deadline, null without any', () => {
    expect(onTimeRateOf({ onTime: 3, late: 1 })).toBe(0.75)
    expect(onTimeRateOf({ onTime: 0, late: 2 })).toBe(0)
    expect(onTimeRateOf({ onTime: 0, late: 0 })).toBeNull()
  })
})

describe('addCounts', () => {
  it('adds every counter and merges the histograms', () => {
    const a = { ...noCounts(), submitted: 2, onTime: 1, days: { 3: 1 } }
    const b = { ...noCounts(), submitted: 1, late: 1, days: { 3: 1, 5: 2 } }
    expect(addCounts(a, b)).toEqual({ ...noCounts(), submitted: 3, onTime: 1, late: 1, days: { 3: 2, 5: 2 } })
    expect(a.days).toEqual({ 3: 1 })
  })
})
