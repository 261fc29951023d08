/** What the exchange itself measured of staged bytes, and which stored version it measured. */
export type StagedDigest = {
  /** The number of bytes stored. */
  size: number
  /**
   * Hex SHA-256 of the stored bytes; absent when they are larger than any document may be (they
   * were not read to the end, and are refused on their size alone).
   */
  sha256: string | undefined
  /** Names the exact stored version measured, so the copy that seals it copies those bytes. */
  revision: string
}

/**
 * The document buckets: staging, which takes uploads and forgets them after a day, and sealed,
 * which keeps packages write-once. S3 on AWS, s3rver on a laptop.
 */
export interface DocumentStore {
  /**
   * A URL that stores into staging exactly the declared bytes: the type, length and SHA-256 are
   * signed into it, so S3 refuses any other body. `headers` are the ones the client must send.
   */
  presignUpload(slot: {
    documentId: string
    contentType: string
    size: number
    sha256: string
    expiresInSeconds: number
  }): Promise<{ url: string; headers: Record<string, string> }>
  /** Reads the staged bytes of a document and measures them; `undefined` if nothing is staged. */
  stagedDigest(documentId: string): Promise<StagedDigest | undefined>
  /**
   * Copies the measured version of a staged document to `key` in the sealed bucket; fails if the
   * store reports a digest of the copy other than `sha256`.
   */
  copyToSealed(copy: { documentId: string; revision: string; key: string; sha256: string }): Promise<void>
  /** Writes a JSON document to `key` in the sealed bucket. */
  putSealed(key: string, json: string): Promise<void>
  /** A URL that reads `key` from the sealed bucket for `expiresInSeconds`. */
  presignDownload(key: string, expiresInSeconds: number): Promise<string>
}
