import * as z from 'zod'
import { Instant, ItemCode, Version } from './ids.js'

/** How a case of an item may be handled across regions (seed 003's three modes). */
export const Mode = z.enum(['online', 'proxy', 'joint'])
export type Mode = z.infer<typeof Mode>

/** Whether an item's time limits count working days of the mainland calendar or calendar days. */
export const DayKind = z.enum(['working', 'calendar'])

/** One material the item's service guide lists. */
export const Material = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  name: z.string().min(1).max(200),
  required: z.boolean(),
})

const days = z.number().int().min(1).max(3650)

/** The body of `PUT /v1/items/{code}`: one code, one list of materials, one set of limits city-wide. */
export const ItemInput = z
  .strictObject({
    name: z.string().min(1).max(200),
    department: z.string().min(1).max(200).optional(),
    modes: z
      .array(Mode)
      .min(1)
      .refine((modes) => new Set(modes).size === modes.length, { error: 'modes must not repeat' }),
    promisedDays: days,
    statutoryDays: days,
    dayKind: DayKind,
    materials: z
      .array(Material)
      .max(100)
      .refine((materials) => new Set(materials.map((m) => m.id)).size === materials.length, {
        error: 'material ids must not repeat',
      }),
  })
  .refine((item) => item.promisedDays <= item.statutoryDays, {
    error: 'promisedDays must not exceed statutoryDays',
    path: ['promisedDays'],
  })
  .meta({ id: 'ItemInput' })
export type ItemInput = z.infer<typeof ItemInput>

/** An item of the catalogue as the registry returns it. */
export const Item = z
  .strictObject({
    code: ItemCode,
    ...ItemInput.shape,
    version: Version,
    createdAt: Instant,
    updatedAt: Instant,
  })
  .meta({ id: 'Item' })
export type Item = z.infer<typeof Item>
