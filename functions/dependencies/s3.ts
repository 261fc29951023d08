import { S3Client } from '@aws-sdk/client-s3'
import type { Config } from '../config.js'

/**
 * The S3 client of this configuration. s3rver checks neither signatures nor checksums, so locally
 * the SDK computes checksums only where S3 requires them, and the exchange verifies bytes itself.
 */
export const s3Client = (settings: Config) =>
  new S3Client({
    region: settings.AWS_REGION,
    ...(settings.S3_ENDPOINT === undefined
      ? {}
      : {
          endpoint: settings.S3_ENDPOINT,
          forcePathStyle: true,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }),
  })
