import * as z from 'zod'
import { Instant, ParticipantId, Version } from './ids.js'
import { PublicJwks } from './jwks.js'

/** What a participant is in the administrative hierarchy. */
export const ParticipantKind = z.enum([
  'province',
  'city',
  'district',
  'county',
  'development-zone',
  'agency',
])

/** What a participant may do at the exchange. */
export const Role = z.enum(['accepting', 'home', 'auditor', 'admin'])
export type Role = z.infer<typeof Role>

/** How to reach the people running a participant's system (shown to participants, never audited). */
export const Contact = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  email: z.email().max(254).optional(),
  phone: z
    .string()
    .regex(/^[0-9+\- ()]{5,32}$/)
    .optional(),
})

const uniqueRoles = z
  .array(Role)
  .min(1)
  .refine((roles) => new Set(roles).size === roles.length, { error: 'roles must not repeat' })

/** The body of `PUT /v1/participants/{id}`. */
export const ParticipantInput = z
  .strictObject({
    name: z.string().min(1).max(200),
    kind: ParticipantKind,
    parentId: ParticipantId.optional(),
    divisionCode: z
      .string()
      .regex(/^\d{6}$/, { error: 'must be a 6-digit GB/T 2260 division code' })
      .optional(),
    roles: uniqueRoles,
    jwks: PublicJwks,
    contact: Contact.optional(),
  })
  .meta({ id: 'ParticipantInput' })
export type ParticipantInput = z.infer<typeof ParticipantInput>

/** A participant is either trusted or suspended; suspension takes effect on its next request. */
export const ParticipantStatus = z.enum(['active', 'suspended'])

/** A registered participant as the registry returns it. */
export const Participant = z
  .strictObject({
    id: ParticipantId,
    ...ParticipantInput.shape,
    status: ParticipantStatus,
    version: Version,
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: 'Participant' })
export type Participant = z.infer<typeof Participant>

/** The id of the participant that configuration bootstraps; it cannot be written through the API. */
export const adminParticipantId = 'admin'

/** The id of a participant the registry may write: any but the configured admin's. */
export const RegisteredParticipantId = ParticipantId.refine((id) => id !== adminParticipantId, {
  error: 'admin is the configured administrator and cannot be written through the API',
})
