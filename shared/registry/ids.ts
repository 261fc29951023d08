import * as z from 'zod'

/** A participant's id: lowercase, stable, URL-safe (contract section 4). */
export const ParticipantId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, { error: 'must match ^[a-z0-9][a-z0-9-]{1,62}$' })
  .meta({ id: 'ParticipantId', example: 'xian-gaoxin' })
export type ParticipantId = z.infer<typeof ParticipantId>

/** An item's catalogue code, the same across the city ("八统一"). */
export const ItemCode = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' })
  .meta({ id: 'ItemCode', example: '610100-tax-registration-change' })
export type ItemCode = z.infer<typeof ItemCode>

/** An agreement's id; same alphabet as participant ids. */
export const AgreementId = ParticipantId.meta({ id: 'AgreementId', example: 'xian-citywide-2023' })

/** Instants are ISO 8601 with an explicit offset, so no reader guesses a time zone. */
export const Instant = z.iso
  .datetime({ offset: true })
  .meta({ id: 'Instant', example: '2026-11-21T09:30:00+08:00' })

/** Registry records carry a version that every write checks (optimistic concurrency). */
export const Version = z.number().int().min(1)
