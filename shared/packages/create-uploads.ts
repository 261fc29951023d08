import { type AuditedWriteDeps, commitAudited } from '../audit/append-audited.js'
import type { Change } from '../store/changes.js'
import type { Principal } from '../trust/principal.js'
import type { DocumentStore } from './document-store.js'
import { type FileDeclaration, type UploadRecord, type UploadSlot, uploadUrlSeconds } from './upload.js'

/** What announcing uploads needs: the audited store, the staging bucket and fresh document ids. */
export type UploadDeps = AuditedWriteDeps & {
  documents: Pick<DocumentStore, 'presignUpload'>
  /** A random, unguessable id per document. */
  newDocumentId: () => string
  /** How long staged bytes are kept before the bucket's lifecycle deletes them. */
  stagedForSeconds: number
}

/**
 * `POST /v1/uploads`: records one upload per declared file, owned by the caller, with one audit
 * event (ids and sizes only: file names can be personal data), and answers for each a URL that
 * stores exactly the declared bytes for the next 15 minutes.
 */
export const createUploads = async (
  deps: UploadDeps,
  input: { files: readonly FileDeclaration[]; caller: Principal },
): Promise<{ uploads: UploadSlot[] }> => {
  const now = deps.clock()
  const urlExpiresAt = new Date(now.getTime() + uploadUrlSeconds * 1000).toISOString()
  const expiresAt = new Date(now.getTime() + deps.stagedForSeconds * 1000).toISOString()
  const records: UploadRecord[] = input.files.map((file) => ({
    documentId: deps.newDocumentId(),
    owner: input.caller.participant,
    name: file.name,
    contentType: file.contentType,
    size: file.size,
    sha256: file.sha256,
    createdAt: now.toISOString(),
    urlExpiresAt,
    expiresAt,
  }))
  await commitAudited(deps, async () => ({
    changes: records.map(
      (record): Change => ({
        kind: 'put-upload',
        documentId: record.documentId,
        owner: record.owner,
        expiresAt: record.expiresAt,
        value: record,
      }),
    ),
    audit: [
      {
        actor: { participant: input.caller.participant, sub: input.caller.sub },
        action: 'upload.created',
        details: {
          documentIds: records.map((record) => record.documentId),
          bytes: records.reduce((total, record) => total + record.size, 0),
        },
      },
    ],
    result: undefined,
  }))
  const uploads = await Promise.all(
    records.map(async (record): Promise<UploadSlot> => {
      const { url, headers } = await deps.documents.presignUpload({
        documentId: record.documentId,
        contentType: record.contentType,
        size: record.size,
        sha256: record.sha256,
        expiresInSeconds: uploadUrlSeconds,
      })
      return {
        documentId: record.documentId,
        name: record.name,
        url,
        method: 'PUT',
        headers,
        expiresAt: urlExpiresAt,
      }
    }),
  )
  return { uploads }
}
