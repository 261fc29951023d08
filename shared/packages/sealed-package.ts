import * as z from 'zod'
import { derivedId } from '../derived-id.js'
import { Instant, ParticipantId } from '../registry/ids.js'
import { ManifestDocument, Purpose } from './manifest.js'
import { Sha256Hex } from './upload.js'

/** A case id as packages are keyed by it: safe in an S3 key and a DynamoDB key as it is. */
export const CaseId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { error: 'must be a case id this exchange issued' })
  .meta({ id: 'CaseId' })

/** A package's id: `pkg-` and 26 base32 characters, derived from its case and its manifest. */
export const PackageId = z
  .string()
  .regex(/^pkg-[a-z2-7]{26}$/, { error: 'must be a package id this exchange issued' })
  .meta({ id: 'PackageId', example: 'pkg-3zq6x2kdm4v7nhyrw5tbe4oc2a' })

/**
 * The id of the package a manifest makes for a case: the same case and manifest always give the
 * same id (130 bits of SHA-256), so a retried submission seals to the same keys.
 */
export const packageIdOf = (caseId: string, manifestSha256: string): string =>
  derivedId('pkg', caseId, manifestSha256)

/** Where a package's files live in the sealed bucket. */
export const packagePrefix = (caseId: string, packageId: string) => `packages/${caseId}/${packageId}/`

/** One sealed document: what its manifest says of it and where its bytes are kept. */
export const SealedDocument = z.strictObject({ ...ManifestDocument.shape, key: z.string() })
export type SealedDocument = z.infer<typeof SealedDocument>

/**
 * A sealed package as the exchange keeps it (a `put-package` change, and `package.json` beside
 * its documents): the participant's manifest as signed, and the exchange's seal over it.
 */
export const SealedPackage = z.strictObject({
  packageId: PackageId,
  caseId: CaseId,
  purpose: Purpose,
  /** The manifest's compact JWS, exactly as the submitter signed it. */
  manifest: z.string(),
  manifestSha256: Sha256Hex,
  /** The exchange's `exchange-seal+jwt` over caseId, packageId and manifestSha256. */
  seal: z.string(),
  documents: z.array(SealedDocument),
  sealedAt: Instant,
  submittedBy: ParticipantId,
})
export type SealedPackage = z.infer<typeof SealedPackage>

/** One document as a package read shows it; parties get a download URL, auditors do not. */
export const PackageDocumentView = z
  .object({
    ...ManifestDocument.shape,
    url: z.string().optional().describe('A download URL (GET); absent for auditors.'),
    expiresAt: Instant.optional().describe('When `url` stops working.'),
  })
  .meta({ id: 'PackageDocument' })

/** A package as `GET /v1/cases/{caseId}/packages[/{packageId}]` answers it. */
export const PackageView = z
  .object({
    packageId: PackageId,
    purpose: Purpose,
    manifest: z.string().describe("The submitter's manifest (exchange-manifest+jwt), as signed."),
    seal: z.string().describe("The exchange's seal (exchange-seal+jwt) over the case, package and manifest."),
    documents: z.array(PackageDocumentView),
  })
  .meta({ id: 'Package' })
export type PackageView = z.infer<typeof PackageView>

/** `GET /v1/cases/{caseId}/packages`: the case's packages, oldest first. */
export const PackageList = z.object({ packages: z.array(PackageView) }).meta({ id: 'PackageList' })

/** Reads the sealed packages of a case. */
export interface PackageRecords {
  list(caseId: string): Promise<SealedPackage[]>
  get(caseId: string, packageId: string): Promise<SealedPackage | undefined>
}

/** Who takes part in a case: the accepting participant and the homes. */
export interface CaseParties {
  partiesOf(caseId: string): Promise<{ accepting: string; homes: string[] } | undefined>
}
