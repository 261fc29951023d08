import { describe, expect, it } from 'vitest'
import { nextVersion, type RecordMeta } from '#shared/registry/versioned.js'
import type { Stored } from '#shared/store/changes.js'

type Fields = { code: string; name: string; modes: string[] }

const created = new Date('2026-11-21T01:30:00.000Z')
const later = new Date('2026-11-22T08:00:00.000Z')
const fields: Fields = { code: 'tax', name: 'Tax registration', modes: ['online'] }

const stored = (value: Fields & RecordMeta): Stored<Fields & RecordMeta> => ({
  value,
  version: value.version,
})

describe('nextVersion', () => {
  it('makes a new record version 1, created and updated now', () => {
    expect(nextVersion(undefined, fields, created)).toEqual({
      value: { ...fields, version: 1, createdAt: created.toISOString(), updatedAt: created.toISOString() },
      changed: true,
    })
  })

  it('answers the current record unchanged when the fields are identical', () => {
    const current = stored(nextVersion(undefined, fields, created).value)
    const next = nextVersion(current, { ...fields, modes: ['online'] }, later)
    expect(next.changed).toBe(false)
    expect(next.value).toBe(current.value)
  })

  it('ignores the order of members when comparing', () => {
    const current = stored(nextVersion(undefined, fields, created).value)
    const reordered: Fields = { modes: ['online'], name: fields.name, code: fields.code }
    expect(nextVersion(current, reordered, later).changed).toBe(false)
  })

  it('bumps the version and keeps createdAt when a field changes', () => {
    const current = stored(nextVersion(undefined, fields, created).value)
    expect(nextVersion(current, { ...fields, modes: ['online', 'proxy'] }, later)).toEqual({
      value: {
        ...fields,
        modes: ['online', 'proxy'],
        version: 2,
        createdAt: created.toISOString(),
        updatedAt: later.toISOString(),
      },
      changed: true,
    })
  })

  it('counts from the stored version', () => {
    const current = stored({
      ...fields,
      version: 7,
      createdAt: created.toISOString(),
      updatedAt: created.toISOString(),
    })
    expect(nextVersion(current, { ...fields, name: 'Renamed' }, later).value.version).toBe(8)
  })

  it('treats a dropped optional field as a change', () => {
    const withDepartment = { ...fields, department: 'Tax bureau' }
    const current = stored(nextVersion(undefined, withDepartment, created).value)
    const next = nextVersion<Fields & { department?: string }>(current, fields, later)
    expect(next.changed).toBe(true)
    expect(next.value).not.toHaveProperty('department')
  })

  it('takes a whole stored record back as its fields', () => {
    const current = stored(nextVersion(undefined, fields, created).value)
    const unchanged = nextVersion(current, current.value, later)
    expect(unchanged).toEqual({ value: current.value, changed: false })

    const resubmitted = { ...current.value, name: 'Renamed', version: 99, updatedAt: 'x' }
    const renamed = nextVersion(current, resubmitted, later)
    expect(renamed.value).toEqual({
      ...fields,
      name: 'Renamed',
      version: 2,
      createdAt: created.toISOString(),
      updatedAt: later.toISOString(),
    })
  })

  it('does not let fields set the bookkeeping of a new record', () => {
    const next = nextVersion(
      undefined,
      { ...fields, version: 5, createdAt: 'then', updatedAt: 'then' },
      created,
    )
    expect(next.value).toMatchObject({ version: 1, createdAt: created.toISOString() })
  })
})
