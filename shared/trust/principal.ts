import * as z from 'zod'
import { Role } from '../registry/participant.js'

/** The authenticated caller of a request: who signed it, from which system, holding which roles. */
export const Principal = z.strictObject({ participant: z.string(), sub: z.string(), roles: z.array(Role) })
export type Principal = z.infer<typeof Principal>
