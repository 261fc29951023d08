import type { Applicant } from './case.js'

/** Everything of a case that identifies a person: the applicant and, for mail delivery, the address. */
export type PersonalData = { applicant: Applicant; address?: string }

/** Personal data as stored: AES-256-GCM under a data key that only the key service can unwrap. */
export type SealedPersonalData = {
  alg: 'A256GCM'
  wrappedKey: string
  iv: string
  ciphertext: string
  tag: string
}

/**
 * Envelope encryption of personal data, bound to its case: a record copied onto another case
 * does not decrypt. KMS data keys on AWS, a local key file on a laptop.
 */
export interface PersonalDataVault {
  seal(data: PersonalData, context: { caseId: string }): Promise<SealedPersonalData>
  open(sealed: SealedPersonalData, context: { caseId: string }): Promise<PersonalData>
}

const keep = (text: string, head: number, tail: number) =>
  text.length <= head + tail
    ? '*'.repeat(text.length)
    : `${text.slice(0, head)}${'*'.repeat(text.length - head - tail)}${text.slice(text.length - tail)}`

/** What an auditor may see of an applicant: enough to tell cases apart, not enough to identify. */
export const maskApplicant = (applicant: Applicant): Applicant => ({
  ...applicant,
  name: keep(applicant.name, 1, 0),
  idNumber: keep(applicant.idNumber, 0, 4),
  ...(applicant.phone === undefined ? {} : { phone: keep(applicant.phone, 3, 4) }),
})
