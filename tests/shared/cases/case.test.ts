import { describe, expect, it } from 'vitest'
import { CaseSubmission } from '#shared/cases/case.js'
import { residentId } from '../../support/handoff-fixtures.js'

const submission = (overrides: Record<string, unknown> = {}) => ({
  acceptingRef: 'XA-2026-000123',
  itemCode: '610100-tax-registration-change',
  mode: 'proxy',
  homes: ['xian-beilin'],
  applicant: {
    kind: 'person',
    name: '张三',
    idType: 'resident-id',
    idNumber: residentId,
    phone: '13800138000',
  },
  identityCheck: { method: 'id-card-reader', checkedAt: '2026-11-20T09:00:00+08:00', operator: 'window-07' },
  originalsChecked: true,
  delivery: { method: 'electronic' },
  manifest: 'eyJhbGciOiJFUzI1NiJ9.eyJwdXJwb3NlIjoiYXBwbGljYXRpb24ifQ.c2ln',
  ...overrides,
})

/** The paths zod refused, as the edge reports them. */
const refusedPaths = (value: unknown) => {
  const parsed = CaseSubmission.safeParse(value)
  return parsed.success ? [] : parsed.error.issues.map((issue) => `/${issue.path.join('/')}`)
}

describe('CaseSubmission', () => {
  it('takes a proxy submission to one home', () => {
    expect(CaseSubmission.safeParse(submission()).success).toBe(true)
  })

  it.each([
    ['joint', ['xian-beilin', 'xian-yanta']],
    ['joint', ['xian-beilin', 'xian-yanta', 'xian-lianhu']],
    ['proxy', ['xian-beilin']],
    ['online', ['xian-beilin']],
  ])('takes %s processing with homes %j', (mode, homes) => {
    expect(refusedPaths(submission({ mode, homes }))).toEqual([])
  })

  it.each([
    ['joint', ['xian-beilin']],
    ['proxy', ['xian-beilin', 'xian-yanta']],
    ['online', ['xian-beilin', 'xian-yanta']],
  ])('refuses %s processing with homes %j at /homes', (mode, homes) => {
    expect(refusedPaths(submission({ mode, homes }))).toEqual(['/homes'])
  })

  it('refuses no homes, and a home named twice', () => {
    expect(new Set(refusedPaths(submission({ homes: [] })))).toEqual(new Set(['/homes']))
    expect(refusedPaths(submission({ mode: 'joint', homes: ['xian-beilin', 'xian-beilin'] }))).toEqual([
      '/homes',
    ])
  })

  it('refuses mail delivery without an address, and takes it with one', () => {
    expect(refusedPaths(submission({ delivery: { method: 'mail' } }))).toEqual(['/delivery/address'])
    expect(
      refusedPaths(submission({ delivery: { method: 'mail', address: '西安市碑林区南大街 1 号' } })),
    ).toEqual([])
  })

  it.each(['electronic', 'pickup-accepting', 'pickup-home'])(
    'takes %s delivery without an address',
    (method) => {
      expect(refusedPaths(submission({ delivery: { method } }))).toEqual([])
    },
  )

  it('refuses a resident id failing GB 11643 without quoting it', () => {
    const applicant = { ...submission().applicant, idNumber: '110105194912310021' }
    const parsed = CaseSubmission.safeParse(submission({ applicant }))
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['applicant', 'idNumber']])
    expect(JSON.stringify(parsed.error?.issues)).not.toContain('110105194912310021')
  })

  it('takes any number for a passport, where no check digit applies', () => {
    const applicant = { ...submission().applicant, idType: 'passport', idNumber: 'E12345678' }
    expect(refusedPaths(submission({ applicant }))).toEqual([])
  })

  it('refuses unknown fields anywhere', () => {
    expect(refusedPaths(submission({ priority: 'high' }))).toEqual(['/'])
    expect(refusedPaths(submission({ applicant: { ...submission().applicant, email: 'a@b.c' } }))).toEqual([
      '/applicant',
    ])
  })

  it.each([
    ['acceptingRef', ''],
    ['acceptingRef', 'has space'],
    ['itemCode', '-leading-dash'],
    ['manifest', 'not-a-jws'],
    ['originalsChecked', 'yes'],
    ['mode', 'express'],
  ])('refuses a bad %s', (field, value) => {
    expect(refusedPaths(submission({ [field]: value }))).toEqual([`/${field}`])
  })
})
