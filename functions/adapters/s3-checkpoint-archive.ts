import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import type { CheckpointArchive } from '#shared/audit/tree-store.js'

/** Where a checkpoint lives in the sealed bucket: one key per tree size, in size order. */
export const checkpointKey = (treeSize: number) => `checkpoints/${String(treeSize).padStart(12, '0')}.jwt`

/**
 * Checkpoints in the sealed (Object Lock) bucket, beside the packages: a copy of the log's signed
 * heads that outlives anything done to the database. The same checkpoint written twice is the
 * same bytes under the same key.
 */
export const s3CheckpointArchive = (client: S3Client, bucket: string): CheckpointArchive => ({
  async put(checkpoint) {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: checkpointKey(checkpoint.treeSize),
        Body: Buffer.from(checkpoint.jws, 'ascii'),
        ContentType: 'application/jwt',
        // Object Lock buckets refuse writes without an integrity checksum.
        ChecksumAlgorithm: 'SHA256',
      }),
    )
  },
})
