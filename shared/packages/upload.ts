import * as z from 'zod'
import { Instant } from '../registry/ids.js'

/** The largest document the exchange takes (contract section 5). */
export const maxDocumentBytes = 50 * 1024 * 1024

/** The most documents one upload request or one manifest may name. */
export const maxDocuments = 50

/** How long an upload URL may be used (contract section 5: at most 15 minutes). */
export const uploadUrlSeconds = 15 * 60

/** A document's id: random and unguessable, handed out by the exchange when the upload is announced. */
export const DocumentId = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    error: 'must be a lowercase UUID the exchange issued',
  })
  .meta({ id: 'DocumentId', example: '019a9e5c-6d1b-7c3e-9f1a-2b4c6d8e0f12' })

/** C0 and C1 controls, path separators, and the bidirectional overrides that disguise an extension. */
const unsafeInName = (name: string) =>
  [...name].some((character) => {
    const code = character.codePointAt(0) ?? 0
    return (
      code <= 0x1f ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069) ||
      character === '/' ||
      character === '\\'
    )
  })

/** A file name as people see it: no path, no control characters, not `.` or `..`. */
export const FileName = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !unsafeInName(name), {
    error: 'must not contain path separators or control characters',
  })
  .refine((name) => !/^\.+$/.test(name), { error: 'must not be only dots' })

/** A media type `type/subtype` (RFC 6838 names, no parameters): it becomes the stored Content-Type. */
export const MediaType = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/, {
    error: 'must be a media type such as application/pdf, without parameters',
  })

/** A document's size in bytes. */
export const DocumentSize = z.number().int().min(1).max(maxDocumentBytes)

/** A SHA-256 digest as lowercase hex. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hex digits' })

/** One file a participant is about to upload, described before its bytes are sent. */
export const FileDeclaration = z
  .strictObject({ name: FileName, contentType: MediaType, size: DocumentSize, sha256: Sha256Hex })
  .meta({ id: 'FileDeclaration' })
export type FileDeclaration = z.infer<typeof FileDeclaration>

/** The body of `POST /v1/uploads`. */
export const UploadRequest = z
  .strictObject({ files: z.array(FileDeclaration).min(1).max(maxDocuments) })
  .meta({ id: 'UploadRequest' })
export type UploadRequest = z.infer<typeof UploadRequest>

/** Where and how to send one file's bytes: `PUT` to `url` with exactly `headers`, before `expiresAt`. */
export const UploadSlot = z
  .object({
    documentId: DocumentId,
    name: z.string(),
    url: z.string(),
    method: z.literal('PUT'),
    headers: z.record(z.string(), z.string()),
    expiresAt: Instant,
  })
  .meta({ id: 'UploadSlot' })
export type UploadSlot = z.infer<typeof UploadSlot>

/** The answer of `POST /v1/uploads`, one slot per declared file in the order declared. */
export const UploadList = z.object({ uploads: z.array(UploadSlot) }).meta({ id: 'UploadList' })

/** An announced upload as the exchange records it: who may seal it and what its bytes must be. */
export type UploadRecord = FileDeclaration & {
  documentId: string
  owner: string
  createdAt: string
  /** When the upload URL stops working. */
  urlExpiresAt: string
  /** When the record and its staged bytes are gone; a later manifest cannot name it. */
  expiresAt: string
}

/** Reads announced uploads (strongly consistent, so a seal right after an upload finds it). */
export interface UploadRecords {
  get(documentId: string): Promise<UploadRecord | undefined>
}
