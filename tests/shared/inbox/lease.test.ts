import { describe, expect, it } from 'vitest'
import { decodeLease, encodeLease, maxSeq } from '#shared/inbox/lease.js'

const held = { caseId: '01936f1e-7c2a-7b3c-9d4e-5f6a7b8c9d0e', seq: 12, token: 'AbCdEfGhIjKlMnOpQrStUv' }
const forged = (content: unknown) => Buffer.from(JSON.stringify(content)).toString('base64url')

describe('leases', () => {
  it('name the message and token they were issued for', () => {
    expect(decodeLease(encodeLease(held))).toEqual(held)
    expect(decodeLease(encodeLease({ ...held, seq: maxSeq }))).toEqual({ ...held, seq: maxSeq })
  })

  it('are URL-safe text without a recipient in them', () => {
    const lease = encodeLease(held)
    expect(lease).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(Buffer.from(lease, 'base64url').toString()).not.toContain('xian')
  })

  it.each([
    ['empty', ''],
    ['not base64url JSON', 'not-a-lease'],
    ['a JSON object', forged({ caseId: held.caseId, seq: 1, token: held.token })],
    ['a seq of 0', forged([held.caseId, 0, held.token])],
    ['a seq past twelve digits', forged([held.caseId, maxSeq + 1, held.token])],
    ['a fractional seq', forged([held.caseId, 1.5, held.token])],
    ['a case id with #', forged(['case#1', 1, held.token])],
    ['a short token', forged([held.caseId, 1, 'short'])],
    ['an extra member', forged([held.caseId, 1, held.token, 'x'])],
  ])('are refused when %s', (_name, lease) => {
    expect(decodeLease(lease)).toBeUndefined()
  })
})
