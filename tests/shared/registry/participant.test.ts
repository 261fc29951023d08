import { describe, expect, it } from 'vitest'
import { Participant, ParticipantInput } from '#shared/registry/participant.js'

const input = {
  name: 'Gaoxin district',
  kind: 'development-zone',
  parentId: 'xian',
  divisionCode: '610131',
  roles: ['accepting', 'home'],
  jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43), kid: 'k-1' }] },
  contact: { name: 'Duty desk', email: 'desk@gaoxin.example', phone: '+86 29 8888 0000' },
}

const issues = (value: unknown) => {
  const parsed = ParticipantInput.safeParse(value)
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('/'))
}

describe('ParticipantInput', () => {
  it('accepts a full description', () => {
    expect(issues(input)).toEqual([])
  })

  it('accepts a description without the optional members', () => {
    const { parentId: _p, divisionCode: _d, contact: _c, ...required } = input
    expect(issues(required)).toEqual([])
  })

  it.each(['province', 'city', 'district', 'county', 'development-zone', 'agency'])(
    'accepts kind %s',
    (kind) => {
      expect(issues({ ...input, kind })).toEqual([])
    },
  )

  it('refuses another kind', () => {
    expect(issues({ ...input, kind: 'village' })).toEqual(['kind'])
  })

  it('accepts every role once', () => {
    expect(issues({ ...input, roles: ['accepting', 'home', 'auditor', 'admin'] })).toEqual([])
  })

  it('refuses a repeated role', () => {
    expect(issues({ ...input, roles: ['home', 'home'] })).toEqual(['roles'])
  })

  it('refuses no roles and unknown roles', () => {
    expect(issues({ ...input, roles: [] })).toEqual(['roles'])
    expect(issues({ ...input, roles: ['owner'] })).toEqual(['roles/0'])
  })

  it('refuses a parent id outside the id alphabet', () => {
    expect(issues({ ...input, parentId: 'Xian' })).toEqual(['parentId'])
  })

  it('refuses a division code that is not six digits', () => {
    expect(issues({ ...input, divisionCode: '61013' })).toEqual(['divisionCode'])
    expect(issues({ ...input, divisionCode: '6101310' })).toEqual(['divisionCode'])
  })

  it('refuses a private key in the jwks', () => {
    const key = { ...input.jwks.keys[0], d: 'D'.repeat(43) }
    expect(issues({ ...input, jwks: { keys: [key] } })).toEqual(['jwks/keys/0/d'])
  })

  it('refuses a malformed contact', () => {
    expect(issues({ ...input, contact: { email: 'not-an-email' } })).toEqual(['contact/email'])
    expect(issues({ ...input, contact: { phone: 'call me' } })).toEqual(['contact/phone'])
  })

  it('refuses members it does not know, status included', () => {
    expect(issues({ ...input, status: 'active' })).toEqual([''])
  })
})

describe('Participant', () => {
  const stored = {
    id: 'xian-gaoxin',
    ...input,
    status: 'active',
    version: 1,
    createdAt: '2026-11-21T01:30:00.000Z',
    updatedAt: '2026-11-21T01:30:00.000Z',
  }

  it('is the input with its id, status and version', () => {
    expect(Participant.safeParse(stored).success).toBe(true)
  })

  it('is either active or suspended', () => {
    expect(Participant.safeParse({ ...stored, status: 'suspended' }).success).toBe(true)
    expect(Participant.safeParse({ ...stored, status: 'revoked' }).success).toBe(false)
  })
})
