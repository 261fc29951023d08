import * as z from 'zod'
import { Instant, ItemCode, ParticipantId } from '../registry/ids.js'
import { Mode } from '../registry/item.js'
import { LegStatus } from './leg-status.js'
import { isValidResidentId } from './resident-id.js'

/** The applicant as the accepting window identified them. Personal data: encrypted at rest. */
export const Applicant = z
  .strictObject({
    kind: z.enum(['person', 'organization']),
    name: z.string().min(1).max(200),
    idType: z.enum(['resident-id', 'passport', 'uscc', 'other']),
    idNumber: z.string().min(1).max(64),
    phone: z
      .string()
      .regex(/^[0-9+\- ()]{5,32}$/, { error: 'must be 5-32 digits, spaces, +, - or parentheses' })
      .optional(),
  })
  .superRefine((applicant, ctx) => {
    // The message names the rule, never the number: errors must not echo personal data.
    if (applicant.idType === 'resident-id' && !isValidResidentId(applicant.idNumber)) {
      ctx.addIssue({ code: 'custom', path: ['idNumber'], message: 'fails the GB 11643 check digit' })
    }
  })
  .meta({ id: 'Applicant' })
export type Applicant = z.infer<typeof Applicant>

/** How the accepting window verified who the applicant is (身份核验). */
export const IdentityCheck = z
  .strictObject({
    method: z.string().min(1).max(64),
    checkedAt: Instant,
    operator: z.string().min(1).max(128),
  })
  .meta({ id: 'IdentityCheck' })

/** The ways a result reaches the applicant: electronically, by mail, or picked up at either window. */
export const DeliveryMethod = z.enum(['electronic', 'mail', 'pickup-accepting', 'pickup-home'])

/** How the result reaches the applicant (送达). */
export const DeliveryPreference = z
  .strictObject({
    method: DeliveryMethod,
    address: z.string().min(1).max(500).optional(),
  })
  .refine((delivery) => delivery.method !== 'mail' || delivery.address !== undefined, {
    error: 'mail delivery needs an address',
    path: ['address'],
  })
  .meta({ id: 'DeliveryPreference' })

/** A compact JWS, as manifests travel. */
export const CompactJws = z
  .string()
  .max(256 * 1024)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, { error: 'must be a compact JWS' })

/** The body of `POST /v1/cases`. */
export const CaseSubmission = z
  .strictObject({
    acceptingRef: z
      .string()
      .regex(/^[\x21-\x7e]{1,128}$/, { error: 'must be 1-128 printable ASCII characters' }),
    itemCode: ItemCode,
    mode: Mode,
    homes: z
      .array(ParticipantId)
      .min(1)
      .max(20)
      .refine((homes) => new Set(homes).size === homes.length, { error: 'homes must not repeat' }),
    applicant: Applicant,
    identityCheck: IdentityCheck,
    originalsChecked: z.boolean(),
    delivery: DeliveryPreference,
    manifest: CompactJws,
  })
  .superRefine((submission, ctx) => {
    const count = submission.homes.length
    if (submission.mode === 'joint' ? count < 2 : count !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['homes'],
        message:
          submission.mode === 'joint' ? 'joint processing needs at least 2 homes' : 'needs exactly 1 home',
      })
    }
  })
  .meta({ id: 'CaseSubmission' })
export type CaseSubmission = z.infer<typeof CaseSubmission>

/** What `POST /v1/cases` answers: the case, its legs and the exchange's signed receipt. */
export const SubmissionAnswer = z
  .object({
    caseId: z.string(),
    acceptingRef: z.string(),
    legs: z.array(z.object({ home: ParticipantId, status: LegStatus, version: z.number().int() })),
    receipt: z.string().describe('exchange-receipt+jwt over { caseId, acceptingRef, manifestSha256 }'),
  })
  .meta({ id: 'SubmissionAnswer' })
export type SubmissionAnswer = z.infer<typeof SubmissionAnswer>
