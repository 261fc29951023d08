import type { FieldError } from '../errors.js'
import type { Participant } from '../registry/participant.js'
import type { Change } from '../store/changes.js'
import type { ExchangeSigner } from '../trust/exchange-signer.js'
import type { DocumentStore, StagedDigest } from './document-store.js'
import { type Manifest, type ManifestDocument, manifestSha256, type Purpose } from './manifest.js'
import {
  CaseId,
  packageIdOf,
  packagePrefix,
  type SealedDocument,
  type SealedPackage,
} from './sealed-package.js'
import type { UploadRecords } from './upload.js'
import {
  documentMismatch,
  type ManifestVerifierDeps,
  manifestPath,
  verifyManifest,
} from './verify-manifest.js'

/** What sealing needs: the manifest check, the upload records, the buckets and the exchange's key. */
export type SealDeps = ManifestVerifierDeps & {
  uploads: UploadRecords
  documents: Pick<DocumentStore, 'stagedDigest' | 'copyToSealed' | 'putSealed'>
  signer: Pick<ExchangeSigner, 'sign'>
  exchangeId: string
}

/** What to seal: a manifest the submitter signed for a case, and who the seal is addressed to. */
export type SealInput = {
  caseId: string
  purpose: Purpose
  /** The manifest's compact JWS as the request carried it. */
  manifest: string
  submitter: Participant
  /** The participant ids the seal is for (its `aud`). */
  audience: readonly string[]
  /** The caller's own rules on the verified manifest (required materials), run before anything is copied. */
  check?: (manifest: Manifest) => void
}

/** Documents are read and copied a few at a time: enough to overlap, few enough for one function. */
const concurrency = 4

const mapLimited = async <T, R>(items: readonly T[], run: (item: T, index: number) => Promise<R>) => {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      results[index] = await run(items[index] as T, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
  return results
}

/** Everything wrong with one listed document: its upload record, then the bytes the exchange read. */
const problemsOf = async (
  deps: SealDeps,
  submitter: string,
  now: Date,
  document: ManifestDocument,
  index: number,
): Promise<{ problems: FieldError[]; staged: StagedDigest | undefined }> => {
  const at = (field: string) => `${manifestPath}/documents/${index}/${field}`
  const upload = await deps.uploads.get(document.documentId)
  // Someone else's upload and no upload at all read alike: ids of others are not confirmed.
  if (upload === undefined || upload.owner !== submitter || Date.parse(upload.expiresAt) <= now.getTime()) {
    return {
      problems: [
        { path: at('documentId'), message: 'names no current upload of the submitting participant' },
      ],
      staged: undefined,
    }
  }
  const problems: FieldError[] = []
  if (upload.size !== document.size)
    problems.push({ path: at('size'), message: 'differs from the size declared at upload' })
  if (upload.sha256 !== document.sha256)
    problems.push({ path: at('sha256'), message: 'differs from the SHA-256 declared at upload' })
  if (upload.contentType !== document.contentType)
    problems.push({ path: at('contentType'), message: 'differs from the content type declared at upload' })
  const staged = await deps.documents.stagedDigest(document.documentId)
  if (staged === undefined) {
    problems.push({ path: at('documentId'), message: 'no bytes were uploaded for this document' })
  } else if (staged.size !== document.size) {
    problems.push({ path: at('size'), message: 'the uploaded bytes are not this size' })
  } else if (staged.sha256 !== document.sha256) {
    problems.push({ path: at('sha256'), message: 'the uploaded bytes do not have this SHA-256' })
  }
  return { problems, staged }
}

/**
 * Seals a package (contract section 5): verifies the manifest against the submitter's registered
 * keys, checks that every document is the submitter's own current upload as declared and that the
 * bytes stored are the bytes listed (the exchange reads and hashes them itself: a local S3 checks
 * nothing), refusing with every mismatch at once. Then copies each document to the sealed bucket,
 * writes `package.json` beside them and signs the seal. Keys derive from the case and the manifest,
 * so a retry writes the same keys. Commits nothing: the caller commits the `put-package` change
 * in the same transaction as the case change it belongs to.
 */
export const sealPackage = async (
  deps: SealDeps,
  input: SealInput,
): Promise<{ sealed: SealedPackage; changes: Change[] }> => {
  if (!CaseId.safeParse(input.caseId).success) throw new TypeError('sealPackage: not a case id')
  if (input.audience.length === 0) throw new TypeError('sealPackage: a seal needs an audience')
  const manifest = await verifyManifest(deps, {
    token: input.manifest,
    submitter: input.submitter,
    purpose: input.purpose,
  })
  input.check?.(manifest)
  const now = deps.clock()
  const checked = await mapLimited(manifest.documents, (document, index) =>
    problemsOf(deps, input.submitter.id, now, document, index),
  )
  const problems = checked.flatMap((check) => check.problems)
  if (problems.length > 0) throw documentMismatch(problems)

  const digest = manifestSha256(input.manifest)
  const packageId = packageIdOf(input.caseId, digest)
  const prefix = packagePrefix(input.caseId, packageId)
  const documents: SealedDocument[] = manifest.documents.map((document) => ({
    ...document,
    key: `${prefix}${document.documentId}`,
  }))
  await mapLimited(documents, async (document, index) => {
    // problemsOf found no problem, so every document has staged bytes.
    const revision = checked[index]?.staged?.revision ?? ''
    await deps.documents.copyToSealed({
      documentId: document.documentId,
      revision,
      key: document.key,
      sha256: document.sha256,
    })
  })
  const seal = await deps.signer.sign('exchange-seal+jwt', {
    iss: deps.exchangeId,
    iat: Math.floor(now.getTime() / 1000),
    aud: [...input.audience],
    caseId: input.caseId,
    packageId,
    manifestSha256: digest,
  })
  const sealed: SealedPackage = {
    packageId,
    caseId: input.caseId,
    purpose: input.purpose,
    manifest: input.manifest,
    manifestSha256: digest,
    seal,
    documents,
    sealedAt: now.toISOString(),
    submittedBy: input.submitter.id,
  }
  await deps.documents.putSealed(`${prefix}package.json`, JSON.stringify(sealed))
  return {
    sealed,
    changes: [{ kind: 'put-package', caseId: input.caseId, packageId, value: sealed }],
  }
}
