import { beforeEach, describe, expect, it } from 'vitest'
import { correctCalendar } from '#shared/clock/correct-calendar.js'
import { type InMemoryStores, registryDeps } from '../../support/in-memory-stores.js'
import { adminActor, refusalOf } from '../../support/registry-fixtures.js'

const now = '2026-11-21T01:30:00.000Z'
let deps: ReturnType<typeof registryDeps>
let stores: InMemoryStores

beforeEach(() => {
  deps = registryDeps(undefined, { now })
  stores = deps.stores
})

/** The State Council's 2027 arrangement as an admin might type it in, in no particular order. */
const correction2027 = {
  holidays: ['2027-02-08', '2027-02-05', '2027-02-06', '2027-02-07', '2027-01-01'],
  workdays: ['2027-02-20', '2027-01-30'],
  source: '国办发明电〔2026〕X号',
}

const correct = (year: number, correction: Parameters<typeof correctCalendar>[1]['correction']) =>
  correctCalendar(deps, { year, correction, actor: adminActor })

describe('correctCalendar', () => {
  it('stores the corrected year at version 1, dates sorted, no longer provisional', async () => {
    await expect(correct(2027, correction2027)).resolves.toEqual({
      created: true,
      calendar: {
        year: 2027,
        holidays: ['2027-01-01', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08'],
        workdays: ['2027-01-30', '2027-02-20'],
        source: '国办发明电〔2026〕X号',
        provisional: false,
        version: 1,
        createdAt: now,
        updatedAt: now,
      },
    })
    expect(stores.committed[0]?.[0]).toMatchObject({ kind: 'put-record', collection: 'calendar', id: '2027' })
  })

  it('records calendar.registered with the year and how many dates, not the free text', async () => {
    await correct(2027, correction2027)
    const [event] = stores.chain('participant#admin')
    expect(event).toMatchObject({
      action: 'calendar.registered',
      details: { year: 2027, holidays: 5, workdays: 2, version: 1 },
    })
    expect(JSON.stringify(event?.details)).not.toContain('国办')
  })

  it('says who corrected the year when the admin gives no source', async () => {
    const { calendar } = await correct(2027, { holidays: [], workdays: [] })
    expect(calendar.source).toBe('Corrected by the exchange administrator.')
  })

  it('writes nothing for the same dates in another order', async () => {
    const first = await correct(2027, correction2027)
    const again = await correct(2027, {
      ...correction2027,
      holidays: [...correction2027.holidays].reverse(),
    })
    expect(again).toEqual({ calendar: first.calendar, created: false })
    expect(stores.attempts).toHaveLength(1)
  })

  it('revises a year at the next version and records calendar.updated', async () => {
    await correct(2027, correction2027)
    deps.clock.advance(60)
    const { calendar, created } = await correct(2027, { ...correction2027, workdays: ['2027-01-30'] })
    expect(created).toBe(false)
    expect(calendar).toMatchObject({
      version: 2,
      workdays: ['2027-01-30'],
      updatedAt: '2026-11-21T01:31:00.000Z',
    })
    expect(stores.chain('participant#admin').map((event) => event.action)).toEqual([
      'calendar.registered',
      'calendar.updated',
    ])
  })

  it('refuses dates of another year, pointing at each, and writes nothing', async () => {
    const refusal = await refusalOf(() =>
      correct(2027, { holidays: ['2027-01-01', '2026-12-31'], workdays: ['2028-01-08'] }),
    )
    expect(refusal.code).toBe('validation-failed')
    expect(refusal.errors?.map((error) => error.path)).toEqual(['/holidays/1', '/workdays/0'])
    expect(stores.attempts).toHaveLength(0)
  })
})
