import { createHash } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import canonicalize from 'canonicalize'
import { type AuditedWriteDeps, commitAudited } from '../audit/append-audited.js'
import { derivedId } from '../derived-id.js'
import { DomainError, type FieldError } from '../errors.js'
import type { NewMessage } from '../inbox/inbox-message.js'
import type { Manifest } from '../packages/manifest.js'
import type { SealInput } from '../packages/seal-package.js'
import type { SealedPackage } from '../packages/sealed-package.js'
import type { Agreement } from '../registry/agreement.js'
import { findParticipant, type ParticipantDirectory } from '../registry/find-participant.js'
import type { Item } from '../registry/item.js'
import type { Change } from '../store/changes.js'
import type { ExchangeSigner } from '../trust/exchange-signer.js'
import type { Principal } from '../trust/principal.js'
import type { CaseSubmission, SubmissionAnswer } from './case.js'
import type { PersonalData, PersonalDataVault } from './personal-data.js'
import type { CaseReader, StoredCase, StoredLeg } from './stored-case.js'

/** What a case write needs beyond the audited store: sealing, messages and the exchange's keys. */
export type CaseWriteDeps = AuditedWriteDeps &
  ParticipantDirectory & {
    cases: CaseReader
    vault: PersonalDataVault
    signer: Pick<ExchangeSigner, 'sign'>
    exchangeId: string
    /** Verifies a manifest and seals its documents; returns the change that records the package. */
    seal: (input: SealInput) => Promise<{ sealed: SealedPackage; changes: Change[] }>
    /** The changes that send messages, committed with the change they announce. */
    enqueue: (messages: NewMessage[]) => Promise<Change[]>
  }

export type SubmitCaseDeps = CaseWriteDeps & {
  /** The agreements a participant is party to. */
  agreementsOf: (participant: string) => Promise<Agreement[]>
}

/** A submission's answer, and whether this request created the case. */
export type Submitted = { answer: SubmissionAnswer; created: boolean }

/** One participant's reference names one case: the id follows from the two. */
export const caseIdOf = (participant: string, acceptingRef: string) =>
  derivedId('case', participant, acceptingRef)

const personalOf = (submission: CaseSubmission): PersonalData => ({
  applicant: submission.applicant,
  ...(submission.delivery.address === undefined ? {} : { address: submission.delivery.address }),
})

/** The submission without its personal data, hashed: what a repeat must match besides the personal data. */
const fingerprintOf = (submission: CaseSubmission) => {
  const { applicant: _applicant, delivery, ...rest } = submission
  const text = canonicalize({ ...rest, delivery: { method: delivery.method } }) as string
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

const invalid = (message: string, errors: FieldError[]) =>
  new DomainError('validation-failed', message, { errors })

/** Where an agreement covers a handoff from `from` to `to` of `item` at `at`. */
const covers = (agreement: Agreement, from: string, to: string, item: string, at: Date) =>
  agreement.parties.includes(from) &&
  agreement.parties.includes(to) &&
  (agreement.items[0] === '*' || (agreement.items as readonly string[]).includes(item)) &&
  Date.parse(agreement.validFrom) <= at.getTime() &&
  (agreement.validUntil === undefined || at.getTime() < Date.parse(agreement.validUntil))

/** Checks the item, the homes and the agreements, reporting every problem of a kind at once. */
const checkHandoff = async (
  deps: SubmitCaseDeps,
  accepting: string,
  submission: CaseSubmission,
  now: Date,
) => {
  const stored = await deps.records.get<Item>('item', submission.itemCode)
  if (stored === undefined)
    throw invalid('The item is not in the catalogue.', [{ path: '/itemCode', message: 'unknown item' }])
  const item = stored.value
  if (!item.modes.includes(submission.mode)) {
    throw invalid('The item cannot be handled in this mode.', [
      { path: '/mode', message: `the item allows ${item.modes.join(', ')}` },
    ])
  }
  const homes = await Promise.all(submission.homes.map((id) => findParticipant(deps, id)))
  const homeErrors = homes.flatMap((home, index): FieldError[] => {
    if (home === undefined || !home.roles.includes('home'))
      return [{ path: `/homes/${index}`, message: 'not a home participant' }]
    if (home.status === 'suspended') return [{ path: `/homes/${index}`, message: 'the home is suspended' }]
    return []
  })
  if (homeErrors.length > 0) throw invalid('Some homes cannot receive cases.', homeErrors)
  const agreements = await deps.agreementsOf(accepting)
  const uncovered = submission.homes.flatMap((home, index): FieldError[] =>
    agreements.some((agreement) => covers(agreement, accepting, home, item.code, now))
      ? []
      : [{ path: `/homes/${index}`, message: 'no agreement in force covers this item with this home' }],
  )
  if (uncovered.length > 0) {
    throw new DomainError('no-agreement', 'No agreement in force covers this handoff.', { errors: uncovered })
  }
  return item
}

/** Every required material of the item must be in the manifest; all missing ones are named at once. */
const checkMaterials = (item: Item) => (manifest: Manifest) => {
  const present = new Set(manifest.documents.map((document) => document.material))
  const missing = item.materials.filter((material) => material.required && !present.has(material.id))
  if (missing.length > 0) {
    throw new DomainError('missing-materials', 'Required materials are missing from the manifest.', {
      errors: missing.map((material) => ({ path: '/manifest', message: `missing material ${material.id}` })),
      extensions: { missing: missing.map((material) => material.id) },
    })
  }
}

/** A repeat of a submission: the same body answers what the first did; another body is refused. */
const replay = async (
  deps: SubmitCaseDeps,
  caseId: string,
  submission: CaseSubmission,
): Promise<Submitted> => {
  const record = await deps.cases.load(caseId)
  if (record === undefined)
    throw new DomainError('unavailable', 'The case is being created; retry the request.')
  const same =
    record.case.fingerprint === fingerprintOf(submission) &&
    isDeepStrictEqual(await deps.vault.open(record.case.personal, { caseId }), personalOf(submission))
  if (!same) {
    throw new DomainError('duplicate-reference', 'This acceptingRef was already used for another submission.')
  }
  return { answer: record.case.answer, created: false }
}

/**
 * `POST /v1/cases`: an accepting window hands a case to its home(s). The item, the homes and the
 * agreements are checked, the manifest is verified and its documents sealed, the personal data
 * encrypted, and then the case, one leg per home, the reference, the package, the messages to the
 * homes and the audit event are written in one transaction. The case id follows from the
 * participant and its `acceptingRef`, so a retry or a concurrent duplicate writes the same keys and
 * the reference's condition lets exactly one through; the others answer as the first did.
 */
export const submitCase = async (
  deps: SubmitCaseDeps,
  command: { submission: CaseSubmission; caller: Principal },
): Promise<Submitted> => {
  const { submission, caller } = command
  const caseId = caseIdOf(caller.participant, submission.acceptingRef)
  return commitAudited(deps, async () => {
    const existing = await deps.cases.reference(caller.participant, submission.acceptingRef)
    if (existing !== undefined)
      return { changes: [], audit: [], result: await replay(deps, caseId, submission) }

    const now = deps.clock()
    const at = now.toISOString()
    const item = await checkHandoff(deps, caller.participant, submission, now)
    const submitter = await findParticipant(deps, caller.participant)
    if (submitter === undefined) throw new DomainError('unauthenticated', 'The caller is not registered.')
    const { sealed, changes: packageChanges } = await deps.seal({
      caseId,
      purpose: 'application',
      manifest: submission.manifest,
      submitter,
      audience: [caller.participant, ...submission.homes],
      // Refused before sealing: the sealed bucket is write-once, so it keeps only what a case uses.
      check: checkMaterials(item),
    })
    const receipt = await deps.signer.sign('exchange-receipt+jwt', {
      iss: deps.exchangeId,
      iat: Math.floor(now.getTime() / 1000),
      aud: caller.participant,
      caseId,
      acceptingRef: submission.acceptingRef,
      manifestSha256: sealed.manifestSha256,
    })
    const legs: StoredLeg[] = submission.homes.map((home) => ({
      caseId,
      home,
      status: 'submitted',
      version: 1,
      createdAt: at,
      updatedAt: at,
      packageIds: [sealed.packageId],
    }))
    const answer: SubmissionAnswer = {
      caseId,
      acceptingRef: submission.acceptingRef,
      legs: legs.map(({ home, status, version }) => ({ home, status, version })),
      receipt,
    }
    const stored: StoredCase = {
      caseId,
      acceptingRef: submission.acceptingRef,
      accepting: caller.participant,
      submittedBy: { participant: caller.participant, sub: caller.sub },
      itemCode: submission.itemCode,
      mode: submission.mode,
      homes: submission.homes,
      personal: await deps.vault.seal(personalOf(submission), { caseId }),
      identityCheck: submission.identityCheck,
      originalsChecked: submission.originalsChecked,
      delivery: { method: submission.delivery.method },
      applicationPackageId: sealed.packageId,
      fingerprint: fingerprintOf(submission),
      answer,
      createdAt: at,
    }
    const messages = await deps.enqueue(
      legs.map((leg) => ({
        recipient: leg.home,
        type: 'case.submitted',
        caseId,
        home: leg.home,
        version: leg.version,
        body: { itemCode: submission.itemCode, mode: submission.mode, packageId: sealed.packageId },
      })),
    )
    return {
      changes: [
        { kind: 'put-case', caseId, accepting: caller.participant, createdAt: at, value: stored },
        ...legs.map(
          (leg): Change => ({
            kind: 'put-leg',
            caseId,
            home: leg.home,
            createdAt: at,
            value: leg,
            version: 1,
            expectedVersion: 0,
            deadline: undefined,
          }),
        ),
        {
          kind: 'claim-reference',
          participant: caller.participant,
          acceptingRef: submission.acceptingRef,
          caseId,
          fingerprint: stored.fingerprint,
        },
        ...packageChanges,
        ...messages,
      ],
      audit: [
        {
          actor: { participant: caller.participant, sub: caller.sub },
          action: 'case.submitted',
          caseId,
          to: 'submitted',
          version: 1,
          details: {
            itemCode: submission.itemCode,
            mode: submission.mode,
            homes: submission.homes,
            packageId: sealed.packageId,
            manifestSha256: sealed.manifestSha256,
          },
        },
      ],
      result: { answer, created: true },
    }
  })
}
