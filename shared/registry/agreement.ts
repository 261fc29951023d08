import * as z from 'zod'
import { AgreementId, Instant, ItemCode, ParticipantId, Version } from './ids.js'

/** The body of `PUT /v1/agreements/{id}`: who may hand which items to whom, and when. */
export const AgreementInput = z
  .strictObject({
    parties: z
      .array(ParticipantId)
      .min(2)
      .max(100)
      .refine((parties) => new Set(parties).size === parties.length, { error: 'parties must not repeat' }),
    items: z.union([
      z.tuple([z.literal('*')]),
      z
        .array(ItemCode)
        .min(1)
        .max(1000)
        .refine((items) => new Set(items).size === items.length, { error: 'items must not repeat' }),
    ]),
    validFrom: Instant,
    validUntil: Instant.optional(),
  })
  .refine((a) => a.validUntil === undefined || Date.parse(a.validUntil) > Date.parse(a.validFrom), {
    error: 'validUntil must be after validFrom',
    path: ['validUntil'],
  })
  .meta({ id: 'AgreementInput' })
export type AgreementInput = z.infer<typeof AgreementInput>

/** An agreement as the registry returns it. */
export const Agreement = z
  .strictObject({
    id: AgreementId,
    ...AgreementInput.shape,
    version: Version,
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: 'Agreement' })
export type Agreement = z.infer<typeof Agreement>
