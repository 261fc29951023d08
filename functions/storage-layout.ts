/**
 * The exchange's tables and buckets, declared once: the CDK stack deploys them, the local stack
 * creates them in DynamoDB Local and s3rver, and the adapters address them through `env`.
 */
export type TableLayout = {
  /** The environment variable that hands the table's name to the functions. */
  env: string
  partitionKey: string
  sortKey?: string
  /** The attribute holding an epoch-seconds expiry, for tables whose items expire. */
  timeToLive?: string
}

/** State (registry, cases, legs), the audit log with its chain heads, and spent token ids. */
export const tables = {
  state: { env: 'STATE_TABLE', partitionKey: 'pk', sortKey: 'sk' },
  audit: { env: 'AUDIT_TABLE', partitionKey: 'pk', sortKey: 'sk' },
  nonces: { env: 'NONCE_TABLE', partitionKey: 'pk', timeToLive: 'expiresAt' },
} as const satisfies Record<string, TableLayout>

export type BucketLayout = {
  env: string
  /** Days after which objects expire (orphaned uploads), if they do. */
  expireAfterDays?: number
  /** Whether objects are write-once (S3 Object Lock). */
  objectLock: boolean
}

/** Staging holds uploads until they are sealed; sealed packages are immutable. */
export const buckets = {
  staging: { env: 'STAGING_BUCKET', expireAfterDays: 1, objectLock: false },
  sealed: { env: 'SEALED_BUCKET', objectLock: true },
} as const satisfies Record<string, BucketLayout>
