import { createHash } from 'node:crypto'
import {
  CopyObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import type { DocumentStore, StagedDigest } from '#shared/packages/document-store.js'
import { maxDocumentBytes } from '#shared/packages/upload.js'

/** The buckets' names, from configuration. */
export type DocumentBuckets = { staging: string; sealed: string }

/** Where an announced document's bytes land in staging (the prefix the upload function may write). */
export const stagingKey = (documentId: string) => `uploads/${documentId}`

/**
 * The S3 presigner leaves Content-Type unsigned and hoists `x-amz-*` headers into the query, where
 * S3 does not check a checksum against the body. Signing all three as headers binds the URL to
 * the declared type, length and SHA-256: S3 refuses a request that sends other values or other bytes.
 */
const bindingHeaders = {
  signableHeaders: new Set(['content-type', 'content-length']),
  unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
}

/**
 * The document buckets on S3. Staging bytes are measured by reading them, not by asking S3: s3rver
 * checks no checksum, and the exchange vouches only for what it hashed itself. The copy into the
 * sealed bucket is pinned to the ETag measured, so bytes replaced in between are not sealed.
 */
export const s3DocumentStore = (client: S3Client, buckets: DocumentBuckets): DocumentStore => ({
  async presignUpload({ documentId, contentType, size, sha256, expiresInSeconds }) {
    const checksum = Buffer.from(sha256, 'hex').toString('base64')
    const url = await getSignedUrl(
      client,
      new PutObjectCommand({
        Bucket: buckets.staging,
        Key: stagingKey(documentId),
        ContentType: contentType,
        ContentLength: size,
        ChecksumSHA256: checksum,
      }),
      { expiresIn: expiresInSeconds, ...bindingHeaders },
    )
    return {
      url,
      headers: {
        'content-type': contentType,
        'content-length': String(size),
        'x-amz-checksum-sha256': checksum,
      },
    }
  },

  async stagedDigest(documentId): Promise<StagedDigest | undefined> {
    const object = await client
      .send(new GetObjectCommand({ Bucket: buckets.staging, Key: stagingKey(documentId) }))
      .catch((error: unknown) => {
        if (error instanceof NoSuchKey) return undefined
        throw error
      })
    if (object === undefined) return undefined
    const revision = object.ETag ?? ''
    const hash = createHash('sha256')
    let size = 0
    for await (const chunk of (object.Body ?? []) as AsyncIterable<Uint8Array>) {
      size += chunk.length
      // Bytes past any document's size are refused on their size; reading on would only cost time.
      if (size > maxDocumentBytes) {
        return { size: Math.max(size, object.ContentLength ?? 0), sha256: undefined, revision }
      }
      hash.update(chunk)
    }
    return { size, sha256: hash.digest('hex'), revision }
  },

  async copyToSealed({ documentId, revision, key, sha256 }) {
    const { CopyObjectResult } = await client.send(
      new CopyObjectCommand({
        Bucket: buckets.sealed,
        Key: key,
        CopySource: `${buckets.staging}/${stagingKey(documentId)}`,
        ...(revision === '' ? {} : { CopySourceIfMatch: revision }),
        MetadataDirective: 'COPY',
        // S3 computes and keeps the copy's SHA-256 (s3rver does not, and answers none).
        ChecksumAlgorithm: 'SHA256',
      }),
    )
    const reported = CopyObjectResult?.ChecksumSHA256
    if (reported !== undefined && Buffer.from(reported, 'base64').toString('hex') !== sha256) {
      throw new Error('the sealed copy does not have the SHA-256 measured in staging')
    }
  },

  async putSealed(key, json) {
    await client.send(
      new PutObjectCommand({
        Bucket: buckets.sealed,
        Key: key,
        Body: Buffer.from(json, 'utf8'),
        ContentType: 'application/json',
        // Object Lock buckets refuse writes without an integrity checksum.
        ChecksumAlgorithm: 'SHA256',
      }),
    )
  },

  presignDownload(key, expiresInSeconds) {
    return getSignedUrl(client, new GetObjectCommand({ Bucket: buckets.sealed, Key: key }), {
      expiresIn: expiresInSeconds,
    })
  },
})
