import { describe, expect, it } from 'vitest'
import { AgreementId, Instant, ItemCode, ParticipantId, Version } from '#shared/registry/ids.js'

describe('ParticipantId', () => {
  it.each(['ab', 'a'.repeat(63), 'xian-gaoxin', '0-9', '9a', 'a-'])('accepts %s', (id) => {
    expect(ParticipantId.safeParse(id).success).toBe(true)
  })

  it.each([
    ['one character', 'a'],
    ['64 characters', 'a'.repeat(64)],
    ['an empty id', ''],
    ['an uppercase letter', 'Xian-gaoxin'],
    ['a leading hyphen', '-ab'],
    ['an underscore', 'xian_gaoxin'],
    ['a dot', 'xian.gaoxin'],
    ['a slash', 'xian/gaoxin'],
    ['a trailing newline', 'xian-gaoxin\n'],
    ['non-ASCII letters', '西安-高新'],
  ])('refuses %s', (_, id) => {
    expect(ParticipantId.safeParse(id).success).toBe(false)
  })
})

describe('AgreementId', () => {
  it('follows the participant id alphabet', () => {
    expect(AgreementId.safeParse('xian-citywide-2023').success).toBe(true)
    expect(AgreementId.safeParse('a').success).toBe(false)
    expect(AgreementId.safeParse('a'.repeat(64)).success).toBe(false)
    expect(AgreementId.safeParse('Xian').success).toBe(false)
  })
})

describe('ItemCode', () => {
  it.each(['A', '610100-tax.registration_change', 'a'.repeat(64)])('accepts %s', (code) => {
    expect(ItemCode.safeParse(code).success).toBe(true)
  })

  it.each(['', 'a'.repeat(65), '-abc', '.abc', 'a b', 'a/b', '*'])('refuses %j', (code) => {
    expect(ItemCode.safeParse(code).success).toBe(false)
  })
})

describe('Instant', () => {
  it.each(['2026-11-21T09:30:00+08:00', '2026-11-21T01:30:00Z', '2026-11-21T01:30:00.123Z'])(
    'accepts %s',
    (instant) => {
      expect(Instant.safeParse(instant).success).toBe(true)
    },
  )

  it.each(['2026-11-21', '2026-11-21T09:30:00', 'yesterday', '2026-13-01T00:00:00Z'])(
    'refuses %s',
    (instant) => {
      expect(Instant.safeParse(instant).success).toBe(false)
    },
  )
})

describe('Version', () => {
  it('starts at 1 and is a whole number', () => {
    expect(Version.safeParse(1).success).toBe(true)
    expect(Version.safeParse(0).success).toBe(false)
    expect(Version.safeParse(1.5).success).toBe(false)
  })
})
