import { describe, expect, it } from 'vitest'
import {
  type Answer,
  admin,
  type Caller,
  call,
  errorPaths,
  expectProblem,
  registerParticipant,
} from '../../support/exchange-client.js'

const expectInvalid = (answer: Answer, ...paths: string[]) => {
  expectProblem(answer, 422, 'validation-failed')
  expect(errorPaths(answer)).toEqual(expect.arrayContaining(paths))
}

const putCalendar = (year: number | string, body: unknown, as: Caller = admin) =>
  call('PUT', `/v1/calendar/${year}`, { as, body })

/** Test files share one exchange: each test corrects a year of its own, and none corrects 2026 or 2027. */
describe('calendar', () => {
  it('takes a correction with 201, repeats it with 200 and the same version, and answers it', async () => {
    const body = {
      holidays: ['2031-01-23', '2031-01-22', '2031-01-24'],
      workdays: ['2031-02-08'],
      source: '国办发明电〔2030〕X号',
    }
    const first = await putCalendar(2031, body)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({
      year: 2031,
      holidays: ['2031-01-22', '2031-01-23', '2031-01-24'],
      workdays: ['2031-02-08'],
      source: body.source,
      provisional: false,
      version: 1,
    })
    const again = await putCalendar(2031, body)
    expect(again.status).toBe(200)
    expect(again.body).toEqual(first.body)
    const read = await call('GET', '/v1/calendar/2031', { as: await registerParticipant(['home']) })
    expect(read.status).toBe(200)
    expect(read.body).toEqual(first.body)
  })

  it('answers the next version when the admin corrects a year again', async () => {
    expect((await putCalendar(2032, { holidays: ['2032-01-01'], workdays: [] })).status).toBe(201)
    const revised = await putCalendar(2032, { holidays: ['2032-01-01', '2032-10-01'], workdays: [] })
    expect(revised.status).toBe(200)
    expect(revised.body).toMatchObject({ version: 2, holidays: ['2032-01-01', '2032-10-01'] })
  })

  it('answers the published 2026 arrangement to any participant when the admin has not corrected it', async () => {
    const answer = await call('GET', '/v1/calendar/2026', { as: await registerParticipant(['accepting']) })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ year: 2026, provisional: false })
    expect(answer.body.workdays).toContain('2026-02-14')
    expect(answer.body.holidays).toContain('2026-02-17')
    expect(answer.body).not.toHaveProperty('version')
  })

  it('answers a provisional 2027 while the State Council has not published it', async () => {
    const answer = await call('GET', '/v1/calendar/2027', { as: admin })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ year: 2027, provisional: true, workdays: [] })
    expect(answer.body.holidays).toEqual(
      expect.arrayContaining(['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']),
    )
  })

  it('refuses a correction from a participant without the admin role with 403 forbidden', async () => {
    const caller = await registerParticipant(['accepting', 'home', 'auditor'])
    expectProblem(
      await putCalendar(2033, { holidays: ['2033-01-01'], workdays: [] }, caller),
      403,
      'forbidden',
    )
    const read = await call('GET', '/v1/calendar/2033', { as: caller })
    expect(read.body.provisional).toBe(true)
  })

  it('refuses a date that does not exist, pointing at it', async () => {
    expectInvalid(
      await putCalendar(2034, { holidays: ['2034-01-01', '2034-02-30'], workdays: [] }),
      '/holidays/1',
    )
  })

  it('refuses dates of another year, pointing at each', async () => {
    const answer = await putCalendar(2034, {
      holidays: ['2035-01-01'],
      workdays: ['2034-01-07', '2033-12-31'],
    })
    expectInvalid(answer, '/holidays/0', '/workdays/1')
    expect(errorPaths(answer)).not.toContain('/workdays/0')
    expect((await call('GET', '/v1/calendar/2034', { as: admin })).body.provisional).toBe(true)
  })

  it('refuses a date that is both a holiday and a make-up working day', async () => {
    expectInvalid(
      await putCalendar(2034, { holidays: ['2034-01-07'], workdays: ['2034-01-07'] }),
      '/workdays/0',
    )
  })

  it('refuses a date listed twice and unknown fields', async () => {
    const answer = await putCalendar(2034, {
      holidays: ['2034-01-02', '2034-01-02'],
      workdays: [],
      provisional: true,
    })
    expectInvalid(answer, '/holidays/1', '/provisional')
  })

  it.each(['1999', '2101', '20260', 'next'])('refuses the year %s with 422 at /params/year', async (year) => {
    expectInvalid(await putCalendar(year, { holidays: [], workdays: [] }), '/params/year')
    expectInvalid(await call('GET', `/v1/calendar/${year}`, { as: admin }), '/params/year')
  })
})
