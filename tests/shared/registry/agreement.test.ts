import { describe, expect, it } from 'vitest'
import { Agreement, AgreementInput } from '#shared/registry/agreement.js'

const input = {
  parties: ['xian-gaoxin', 'xian-beilin'],
  items: ['610100-tax'],
  validFrom: '2026-01-01T00:00:00+08:00',
  validUntil: '2027-01-01T00:00:00+08:00',
}

const issues = (value: unknown) => {
  const parsed = AgreementInput.safeParse(value)
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('/'))
}

describe('AgreementInput', () => {
  it('accepts named items', () => {
    expect(issues(input)).toEqual([])
  })

  it('accepts every item as ["*"]', () => {
    expect(issues({ ...input, items: ['*'] })).toEqual([])
  })

  it('refuses "*" beside item codes', () => {
    expect(issues({ ...input, items: ['*', '610100-tax'] })).not.toEqual([])
  })

  it('refuses no items and repeated items', () => {
    expect(issues({ ...input, items: [] })).not.toEqual([])
    expect(issues({ ...input, items: ['610100-tax', '610100-tax'] })).not.toEqual([])
  })

  it('refuses fewer than two parties and repeated parties', () => {
    expect(issues({ ...input, parties: ['xian-gaoxin'] })).toEqual(['parties'])
    expect(issues({ ...input, parties: ['xian-gaoxin', 'xian-gaoxin'] })).toEqual(['parties'])
  })

  it('accepts an open-ended agreement', () => {
    const { validUntil: _u, ...open } = input
    expect(issues(open)).toEqual([])
  })

  it('refuses validUntil equal to or before validFrom, at validUntil', () => {
    expect(issues({ ...input, validUntil: input.validFrom })).toEqual(['validUntil'])
    expect(issues({ ...input, validUntil: '2025-12-31T00:00:00+08:00' })).toEqual(['validUntil'])
  })

  it('compares instants, not their text', () => {
    expect(issues({ ...input, validUntil: '2025-12-31T17:00:01Z' })).toEqual([])
    expect(issues({ ...input, validUntil: '2025-12-31T16:00:00Z' })).toEqual(['validUntil'])
  })

  it('refuses an instant without offset', () => {
    expect(issues({ ...input, validFrom: '2026-01-01T00:00:00' })).toEqual(['validFrom'])
  })
})

describe('Agreement', () => {
  it('is the input with its id and version', () => {
    const agreement = {
      id: 'xian-citywide',
      ...input,
      version: 1,
      createdAt: '2026-11-21T01:30:00.000Z',
      updatedAt: '2026-11-21T01:30:00.000Z',
    }
    expect(Agreement.safeParse(agreement).success).toBe(true)
  })
})
