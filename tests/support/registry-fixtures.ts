import { DomainError } from '#shared/errors.js'
import type { AgreementInput } from '#shared/registry/agreement.js'
import type { ItemInput } from '#shared/registry/item.js'
import type { PublicJwk, PublicJwks } from '#shared/registry/jwks.js'
import type { ParticipantInput, Role } from '#shared/registry/participant.js'
import type { Principal } from '#shared/trust/principal.js'

/** A well-formed Ed25519 public key for tests that never verify a signature with it. */
export const okpKey = (kid: string, fill = 'A'): PublicJwk => ({
  kty: 'OKP',
  crv: 'Ed25519',
  x: fill.repeat(43),
  kid,
})

/** A JWKS of placeholder keys with these kids. */
export const jwksOf = (...kids: [string, ...string[]]): PublicJwks => ({
  keys: kids.map((kid) => okpKey(kid)) as [PublicJwk, ...PublicJwk[]],
})

/** The caller of a registry write. */
export const actor = (participant: string, roles: Role[] = [], sub = 'console'): Principal => ({
  participant,
  sub,
  roles,
})

/** The configured administrator as a caller. */
export const adminActor = actor('admin', ['admin'])

/** The body of `PUT /v1/participants/{id}`, with contact data the audit log must never hold. */
export const participantInput = (overrides: Partial<ParticipantInput> = {}): ParticipantInput => ({
  name: 'Gaoxin district',
  kind: 'district',
  divisionCode: '610131',
  roles: ['accepting', 'home'],
  jwks: jwksOf('gaoxin-1'),
  contact: { name: 'Wang Fang', email: 'wang.fang@gaoxin.example', phone: '+86 29 8888 0000' },
  ...overrides,
})

/** The body of `PUT /v1/items/{code}`. */
export const itemInput = (overrides: Partial<ItemInput> = {}): ItemInput => ({
  name: 'Tax registration change',
  modes: ['online', 'proxy'],
  promisedDays: 5,
  statutoryDays: 20,
  dayKind: 'working',
  materials: [{ id: 'licence', name: 'Business licence', required: true }],
  ...overrides,
})

/** The body of `PUT /v1/agreements/{id}`. */
export const agreementInput = (overrides: Partial<AgreementInput> = {}): AgreementInput => ({
  parties: ['xian-gaoxin', 'xian-beilin'],
  items: ['*'],
  validFrom: '2026-01-01T00:00:00+08:00',
  ...overrides,
})

/** The DomainError a use case refused with, whether it threw at once or rejected later. */
export const refusalOf = async (run: () => Promise<unknown>): Promise<DomainError> => {
  try {
    await run()
  } catch (error) {
    if (error instanceof DomainError) return error
    throw error
  }
  throw new Error('expected a DomainError, but the use case succeeded')
}
