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
  /** Global secondary indexes; each serves one query, so no request path ever scans. */
  indexes?: readonly IndexLayout[]
}

/** A sparse global secondary index: only items carrying its key attributes appear in it. */
export type IndexLayout = {
  name: string
  partitionKey: string
  /** Absent for an index that looks items up by one attribute. */
  sortKey?: string
  sortKeyType?: 'S' | 'N'
}

/**
 * State (registry, cases, legs, uploads, packages, statistics buckets), the audit log with its
 * chain heads, spent token ids, and the participants' inboxes.
 */
export const tables = {
  state: {
    env: 'STATE_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLive: 'expiresAt',
    indexes: [
      /** A participant's cases: `accepting#<id>` or `home#<id>`, newest last. */
      { name: 'by-party', partitionKey: 'party', sortKey: 'partySort', sortKeyType: 'S' },
      /**
       * Legs by deadline: in partition `deadline` those whose clock runs (the supervision sweep's),
       * in partition `overdue` those flagged overdue and not decided yet (the supervisors' list).
       */
      { name: 'by-deadline', partitionKey: 'deadlineShard', sortKey: 'deadlineSort', sortKeyType: 'S' },
    ],
  },
  audit: {
    env: 'AUDIT_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      /** An event by its id: proofs and exports name events by id. */
      { name: 'by-event', partitionKey: 'eventId' },
      /** Events by acting participant, in time order. */
      { name: 'by-actor', partitionKey: 'actorKey', sortKey: 'atKey', sortKeyType: 'S' },
      /** Events by action, in time order. */
      { name: 'by-action', partitionKey: 'actionKey', sortKey: 'atKey', sortKeyType: 'S' },
      /** Events by UTC day, in time order: time-range queries walk days, never the whole log. */
      { name: 'by-day', partitionKey: 'dayKey', sortKey: 'atKey', sortKeyType: 'S' },
      /** Events the checkpointer has not put in the Merkle tree yet, oldest id first. */
      { name: 'unsealed', partitionKey: 'unsealed', sortKey: 'eventId', sortKeyType: 'S' },
      /** Events the statistics have not counted yet, oldest id first. */
      { name: 'unfolded', partitionKey: 'unfolded', sortKey: 'eventId', sortKeyType: 'S' },
    ],
  },
  nonces: { env: 'NONCE_TABLE', partitionKey: 'pk', timeToLive: 'expiresAt' },
  inbox: {
    env: 'INBOX_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      /** Messages a recipient may pull now or later, by the instant they become visible. */
      { name: 'pullable', partitionKey: 'queue', sortKey: 'visibleAt', sortKeyType: 'N' },
    ],
  },
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
