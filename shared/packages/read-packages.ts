import { type AuditedWriteDeps, commitAudited } from '../audit/append-audited.js'
import { notFound } from '../errors.js'
import type { Principal } from '../trust/principal.js'
import type { DocumentStore } from './document-store.js'
import type { CaseParties, PackageRecords, PackageView, SealedPackage } from './sealed-package.js'
import { uploadUrlSeconds } from './upload.js'

/** What package reads need: who is party to the case, its packages, the sealed bucket and the log. */
export type PackageReadDeps = AuditedWriteDeps & {
  parties: CaseParties
  packages: PackageRecords
  documents: Pick<DocumentStore, 'presignDownload'>
}

/** Download URLs live as long as upload URLs: at most 15 minutes (contract section 5). */
const downloadSeconds = uploadUrlSeconds

/**
 * How the caller may see a case's packages: parties with download URLs, auditors without, anyone
 * else not at all; a case the caller may not see reads as one that does not exist.
 */
const viewOf = async (deps: PackageReadDeps, caseId: string, caller: Principal) => {
  const parties = await deps.parties.partiesOf(caseId)
  if (parties !== undefined) {
    if (parties.accepting === caller.participant || parties.homes.includes(caller.participant)) return 'party'
    if (caller.roles.includes('auditor')) return 'auditor'
  }
  throw notFound('The case')
}

/** Logs one `package.read` event per package on the case's chain, before anything is shown. */
const audited = (deps: PackageReadDeps, caller: Principal, packages: readonly SealedPackage[]) =>
  commitAudited(deps, async () => ({
    changes: [],
    audit: packages.map((sealed) => ({
      actor: { participant: caller.participant, sub: caller.sub },
      action: 'package.read',
      caseId: sealed.caseId,
      details: { packageId: sealed.packageId },
    })),
    result: undefined,
  }))

const render = async (
  deps: PackageReadDeps,
  sealed: SealedPackage,
  view: 'party' | 'auditor',
): Promise<PackageView> => {
  const expiresAt = new Date(deps.clock().getTime() + downloadSeconds * 1000).toISOString()
  const documents = await Promise.all(
    sealed.documents.map(async ({ key, ...document }) =>
      view === 'auditor'
        ? document
        : { ...document, url: await deps.documents.presignDownload(key, downloadSeconds), expiresAt },
    ),
  )
  return {
    packageId: sealed.packageId,
    purpose: sealed.purpose,
    manifest: sealed.manifest,
    seal: sealed.seal,
    documents,
  }
}

/** `GET /v1/cases/{caseId}/packages/{packageId}`. */
export const getPackage = async (
  deps: PackageReadDeps,
  input: { caseId: string; packageId: string; caller: Principal },
): Promise<PackageView> => {
  const view = await viewOf(deps, input.caseId, input.caller)
  const sealed = await deps.packages.get(input.caseId, input.packageId)
  if (sealed === undefined) throw notFound('The package')
  await audited(deps, input.caller, [sealed])
  return render(deps, sealed, view)
}

/** `GET /v1/cases/{caseId}/packages`: every package of the case, oldest first. */
export const listPackages = async (
  deps: PackageReadDeps,
  input: { caseId: string; caller: Principal },
): Promise<{ packages: PackageView[] }> => {
  const view = await viewOf(deps, input.caseId, input.caller)
  const order = (sealed: SealedPackage) => `${sealed.sealedAt}#${sealed.packageId}`
  const packages = [...(await deps.packages.list(input.caseId))].sort((a, b) =>
    order(a) < order(b) ? -1 : 1,
  )
  await audited(deps, input.caller, packages)
  return { packages: await Promise.all(packages.map((sealed) => render(deps, sealed, view))) }
}
