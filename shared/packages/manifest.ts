import { createHash } from 'node:crypto'
import * as z from 'zod'
import { Material } from '../registry/item.js'
import { KeyId } from '../registry/jwks.js'
import { requestAlgorithms } from '../trust/token-rules.js'
import { DocumentId, DocumentSize, FileName, MediaType, maxDocuments, Sha256Hex } from './upload.js'

/** What a package is for: the application, a supplement the home asked for, or the home's result. */
export const Purpose = z.enum(['application', 'supplement', 'result'])
export type Purpose = z.infer<typeof Purpose>

/** The `typ` participants sign manifests with (contract section 2). */
export const manifestTokenType = 'exchange-manifest+jwt'

/** The longest manifest accepted: fifty documents with long names fit several times over. */
export const maxManifestBytes = 256 * 1024

/** A manifest's protected header: exactly these members, so no header can point at a key of its own. */
export const ManifestHeader = z.strictObject({
  alg: z.enum(requestAlgorithms),
  kid: KeyId,
  typ: z.literal(manifestTokenType),
})

/** One document a manifest lists, as its signer vouches for it. */
export const ManifestDocument = z
  .strictObject({
    documentId: DocumentId,
    name: FileName,
    contentType: MediaType,
    size: DocumentSize,
    sha256: Sha256Hex,
    /** The id of the item's material this document is (`materials[].id` of the item). */
    material: Material.shape.id.optional(),
  })
  .meta({ id: 'ManifestDocument' })
export type ManifestDocument = z.infer<typeof ManifestDocument>

/**
 * The claims of a manifest (contract section 5): the signed list of a package's documents. Other
 * claims (`exp`, `jti` …) may be present and are ignored.
 */
export const Manifest = z
  .object({
    iss: z.string().min(1).max(128),
    iat: z.number().int().min(0),
    purpose: Purpose,
    documents: z
      .array(ManifestDocument)
      .min(1)
      .max(maxDocuments)
      .superRefine((documents, ctx) => {
        const seen = new Set<string>()
        documents.forEach((document, index) => {
          if (seen.has(document.documentId)) {
            ctx.addIssue({ code: 'custom', path: [index, 'documentId'], message: 'is listed twice' })
          }
          seen.add(document.documentId)
        })
      }),
  })
  .meta({ id: 'Manifest' })
export type Manifest = z.infer<typeof Manifest>

/** Hex SHA-256 of a manifest's compact JWS (its ASCII bytes): what receipts and seals bind. */
export const manifestSha256 = (token: string): string =>
  createHash('sha256').update(token, 'ascii').digest('hex')
