import type { Grant } from '../http/routes.js'

/** A scheduled function: EventBridge runs it on AWS, the local stack's timer in `npm start`. */
export type Job = {
  /** The handler module under `functions/`, without extension. */
  handler: string
  summary: string
  /** How often it runs on AWS; locally every `EXCHANGE_TICK_SECONDS`. */
  everyMinutes: number
  grants: readonly Grant[]
}

/** Every scheduled job of the exchange, declared once. */
export const jobs: readonly Job[] = [
  {
    handler: 'jobs/supervise-deadlines',
    summary: 'Raises deadline warnings and overdue notices (电子监察), once each.',
    everyMinutes: 1,
    grants: ['state:read', 'state:by-deadline', 'state:write', 'audit:write', 'inbox:write'],
  },
  {
    handler: 'jobs/checkpoint-audit-log',
    summary:
      'Appends new audit events to the RFC 9162 Merkle tree, signs a checkpoint and archives it in the sealed bucket.',
    everyMinutes: 1,
    grants: ['audit:unsealed', 'audit:tree-read', 'audit:write', 'signer:sign', 'sealed:checkpoints'],
  },
  {
    handler: 'jobs/fold-statistics',
    summary: 'Counts new audit events into the daily statistics buckets, each event exactly once.',
    everyMinutes: 1,
    grants: ['state:read', 'state:write', 'audit:fold'],
  },
]
