import { describe, expect, it } from 'vitest'
import type { Applicant } from '#shared/cases/case.js'
import { maskApplicant } from '#shared/cases/personal-data.js'

const applicant: Applicant = {
  kind: 'person',
  name: '张三丰',
  idType: 'resident-id',
  idNumber: '11010519491231002X',
  phone: '13800138000',
}

describe('maskApplicant', () => {
  it('keeps the first character of the name, the last four of the id number and the ends of the phone', () => {
    expect(maskApplicant(applicant)).toEqual({
      kind: 'person',
      name: '张**',
      idType: 'resident-id',
      idNumber: '**************002X',
      phone: '138****8000',
    })
  })

  it('keeps the length of each masked value', () => {
    const masked = maskApplicant(applicant)
    expect([masked.name.length, masked.idNumber.length, masked.phone?.length]).toEqual([3, 18, 11])
  })

  it('masks values too short to keep anything whole', () => {
    expect(maskApplicant({ ...applicant, name: '王', idNumber: '1234', phone: '12345' })).toMatchObject({
      name: '*',
      idNumber: '****',
      phone: '*****',
    })
  })

  it('adds no phone where there was none', () => {
    const { phone: _phone, ...withoutPhone } = applicant
    expect(maskApplicant(withoutPhone)).not.toHaveProperty('phone')
  })

  it('masks an organization the same way', () => {
    expect(
      maskApplicant({
        kind: 'organization',
        name: 'Acme Trading',
        idType: 'uscc',
        idNumber: '91610131MA6TXXXX1Q',
      }),
    ).toEqual({ kind: 'organization', name: 'A***********', idType: 'uscc', idNumber: '**************XX1Q' })
  })

  it('leaves nothing of the id number but its last four characters', () => {
    const text = JSON.stringify(maskApplicant(applicant))
    expect(text).not.toContain(applicant.idNumber)
    expect(text).not.toContain(applicant.idNumber.slice(0, 14))
    expect(text).not.toContain('三丰')
    expect(text).not.toContain('0013') // the middle of the phone
  })
})
