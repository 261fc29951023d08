import { createHash } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import { Readable, Transform, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { UntrustedAnswer } from './client-errors.js'

/**
 * A document to hand over: what the manifest will say of it, and a way to read its bytes (again, if
 * an upload has to be retried). Files are streamed, never held whole: a package may reach 2.5 GiB.
 */
export type DocumentSource = {
  name: string
  contentType: string
  size: number
  /** Lowercase hex SHA-256 of the bytes. */
  sha256: string
  /** The item's material this document provides, if any. */
  material?: string
  open: () => Readable
}

/** A document held in memory, as a source. */
export const documentFromBytes = (document: {
  name: string
  contentType: string
  bytes: Uint8Array
  material?: string
}): DocumentSource => ({
  name: document.name,
  contentType: document.contentType,
  size: document.bytes.length,
  sha256: createHash('sha256').update(document.bytes).digest('hex'),
  ...(document.material === undefined ? {} : { material: document.material }),
  open: () => Readable.from([document.bytes]),
})

/** How far a transfer got: bytes moved of one document so far. */
export type Progress = (document: { name: string; size: number }, bytes: number) => void

const counting = (document: { name: string; size: number }, progress: Progress | undefined) => {
  let bytes = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length
      progress?.(document, bytes)
      done(null, chunk)
    },
  })
}

const transport = (url: URL) => (url.protocol === 'https:' ? https : http)

/**
 * PUTs one document to its presigned URL with exactly the headers the exchange handed out, streaming
 * the bytes with a known length (S3 takes no chunked uploads). Answers the storage's status.
 */
export const putDocument = (
  url: string,
  headers: Record<string, string>,
  source: DocumentSource,
  progress?: Progress,
): Promise<number> => {
  const target = new URL(url)
  return new Promise<number>((resolve, reject) => {
    const request = transport(target).request(
      target,
      { method: 'PUT', headers: { ...headers, 'content-length': String(source.size) } },
      (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
        response.on('error', reject)
      },
    )
    request.on('error', reject)
    pipeline(source.open(), counting(source, progress), request).catch(reject)
  })
}

/** A sealed document as a package lists it: where to fetch it and what its bytes must be. */
export type ListedDocument = { name: string; size: number; sha256: string; url?: string | undefined }

/**
 * Streams one sealed document from its download URL into `sink`, hashing on the way, and refuses it
 * if its size or SHA-256 differ from the package's listing: the storage is not trusted.
 */
export const fetchDocument = async (
  document: ListedDocument,
  sink: Writable,
  progress?: Progress,
): Promise<void> => {
  if (document.url === undefined)
    throw new UntrustedAnswer('unexpected-answer', `${document.name} has no download URL`)
  const response = await fetch(document.url)
  if (!response.ok || response.body === null) {
    throw new UntrustedAnswer('unexpected-answer', `downloading ${document.name} answered ${response.status}`)
  }
  const hash = createHash('sha256')
  let size = 0
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      size += chunk.length
      done(null, chunk)
    },
  })
  await pipeline(
    Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]),
    check,
    counting(document, progress),
    sink,
  )
  const sha256 = hash.digest('hex')
  if (size !== document.size || sha256 !== document.sha256) {
    throw new UntrustedAnswer(
      'document-mismatch',
      `${document.name} arrived as ${size} bytes with SHA-256 ${sha256}; the sealed package lists ${document.size} bytes with ${document.sha256}`,
    )
  }
}
