import { describe, expect, it } from 'vitest'
import { Item, ItemInput } from '#shared/registry/item.js'

const input = {
  name: 'Tax registration change',
  department: 'Tax bureau',
  modes: ['online', 'proxy'],
  promisedDays: 5,
  statutoryDays: 20,
  dayKind: 'working',
  materials: [
    { id: 'licence', name: 'Business licence', required: true },
    { id: 'id-card', name: 'Legal representative ID', required: false },
  ],
}

const issues = (value: unknown) => {
  const parsed = ItemInput.safeParse(value)
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('/'))
}

describe('ItemInput', () => {
  it('accepts a full item', () => {
    expect(issues(input)).toEqual([])
  })

  it('accepts promisedDays equal to statutoryDays', () => {
    expect(issues({ ...input, promisedDays: 20 })).toEqual([])
  })

  it('refuses promisedDays over statutoryDays, at promisedDays', () => {
    expect(issues({ ...input, promisedDays: 21 })).toEqual(['promisedDays'])
  })

  it('refuses days outside 1 to 3650', () => {
    expect(issues({ ...input, promisedDays: 0 })).toEqual(['promisedDays'])
    expect(issues({ ...input, statutoryDays: 3651 })).toEqual(['statutoryDays'])
    expect(issues({ ...input, promisedDays: 1.5 })).toEqual(['promisedDays'])
  })

  it('refuses a repeated or unknown mode and no modes', () => {
    expect(issues({ ...input, modes: ['online', 'online'] })).toEqual(['modes'])
    expect(issues({ ...input, modes: ['post'] })).toEqual(['modes/0'])
    expect(issues({ ...input, modes: [] })).toEqual(['modes'])
  })

  it('refuses another day kind', () => {
    expect(issues({ ...input, dayKind: 'lunar' })).toEqual(['dayKind'])
  })

  it('refuses repeated material ids', () => {
    const materials = [input.materials[0], { ...input.materials[1], id: 'licence' }]
    expect(issues({ ...input, materials })).toEqual(['materials'])
  })

  it('accepts no materials and refuses more than 100', () => {
    expect(issues({ ...input, materials: [] })).toEqual([])
    const many = Array.from({ length: 101 }, (_, i) => ({ id: `m${i}`, name: 'Material', required: true }))
    expect(issues({ ...input, materials: many })).toEqual(['materials'])
  })
})

describe('Item', () => {
  it('is the input with its code and version', () => {
    const item = {
      code: '610100-tax',
      ...input,
      version: 2,
      createdAt: '2026-11-21T01:30:00.000Z',
      updatedAt: '2026-11-22T01:30:00.000Z',
    }
    expect(Item.safeParse(item).success).toBe(true)
    expect(Item.safeParse({ ...item, code: '-tax' }).success).toBe(false)
  })
})
