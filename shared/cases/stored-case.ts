import type * as z from 'zod'
import type { Mode } from '../registry/item.js'
import type { DeliveryPreference, IdentityCheck, SubmissionAnswer } from './case.js'
import type { Action, LegStatus } from './leg-status.js'
import type { SealedPersonalData } from './personal-data.js'

/** A case as stored: who handed what to whom, its personal data sealed. */
export type StoredCase = {
  caseId: string
  acceptingRef: string
  accepting: string
  submittedBy: { participant: string; sub: string }
  itemCode: string
  mode: Mode
  homes: string[]
  personal: SealedPersonalData
  identityCheck: z.infer<typeof IdentityCheck>
  originalsChecked: boolean
  delivery: { method: z.infer<typeof DeliveryPreference>['method'] }
  applicationPackageId: string
  /** Hash of the submission without its personal data; the personal data is compared decrypted. */
  fingerprint: string
  /** The answer the submission gave, kept so that a repeated submission gets the very same one. */
  answer: SubmissionAnswer
  createdAt: string
}

/** The legal clock of a leg: runs from acceptance, pauses during a supplement request, stops at a decision. */
export type LegClock = {
  startedAt: string
  deadline: string
  dayKind: 'working' | 'calendar'
  pausedAt?: string
  stoppedAt?: string
}

/** How the applicant received the result (送达). */
export type DeliveryProof = { method: string; at: string; reference?: string | undefined }

/** The last transition applied to a leg and what it answered, so a retried request answers the same. */
export type AppliedTransition = {
  action: Action
  expectedVersion: number
  fingerprint: string
  answer: object
}

/** One home's part of a case as stored. */
export type StoredLeg = {
  caseId: string
  home: string
  status: LegStatus
  version: number
  createdAt: string
  updatedAt: string
  clock?: LegClock
  /** Where the leg returns when a supplement arrives. */
  beforeSupplement?: LegStatus
  /** When the home asked for a supplement: it may, once per leg (一次性告知). */
  supplementRequestedAt?: string
  missing?: string[]
  reason?: string
  notice?: string
  packageIds: string[]
  resultPackageId?: string
  delivered?: DeliveryProof
  warningRaised?: boolean
  overdueRaised?: boolean
  lastTransition?: AppliedTransition
}

/** A case with everything stored under it. */
export type CaseRecord = { case: StoredCase; legs: StoredLeg[] }

/** Where a listing of a participant's cases stopped (the store's own position, never a case id alone). */
export type CasePosition = { partySort: string; pk: string; sk: string }

/** One page of a participant's case ids, newest first. */
export type CaseListing = { caseIds: string[]; next?: CasePosition }

/** Reads cases: one case whole, a submission's reference, or a participant's cases page by page. */
export interface CaseReader {
  load(caseId: string): Promise<CaseRecord | undefined>
  reference(
    participant: string,
    acceptingRef: string,
  ): Promise<{ caseId: string; fingerprint: string } | undefined>
  listByParty(
    role: 'accepting' | 'home',
    participant: string,
    page: { limit: number; after: CasePosition | undefined },
  ): Promise<CaseListing>
}
