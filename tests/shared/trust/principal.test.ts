import { describe, expect, it } from 'vitest'
import { Principal } from '#shared/trust/principal.js'

describe('Principal', () => {
  it('holds the participant, the calling system and known roles only', () => {
    expect(
      Principal.safeParse({ participant: 'xian-gaoxin', sub: 'window-7', roles: ['home'] }).success,
    ).toBe(true)
    expect(
      Principal.safeParse({ participant: 'xian-gaoxin', sub: 'window-7', roles: ['root'] }).success,
    ).toBe(false)
    expect(
      Principal.safeParse({ participant: 'xian-gaoxin', sub: 'window-7', roles: [], jwk: {} }).success,
    ).toBe(false)
  })
})
