import type { AttributeValue } from '@aws-sdk/client-dynamodb'

type Key = Record<string, AttributeValue>

/** Where each kind of item lives in the state and audit tables: one place for every key shape. */
export const keys = {
  record: (collection: string, id: string): Key => ({ pk: { S: collection }, sk: { S: id } }),
  claim: (namespace: string, name: string): Key => ({ pk: { S: namespace }, sk: { S: name } }),
  case: (caseId: string): Key => ({ pk: { S: `case#${caseId}` }, sk: { S: 'case' } }),
  leg: (caseId: string, home: string): Key => ({ pk: { S: `case#${caseId}` }, sk: { S: `leg#${home}` } }),
  package: (caseId: string, packageId: string): Key => ({
    pk: { S: `case#${caseId}` },
    sk: { S: `package#${packageId}` },
  }),
  reference: (participant: string, acceptingRef: string): Key => ({
    pk: { S: `ref#${participant}` },
    sk: { S: acceptingRef },
  }),
  upload: (documentId: string): Key => ({ pk: { S: `upload#${documentId}` }, sk: { S: 'upload' } }),
  chainHead: (chain: string): Key => ({ pk: { S: `chain#${chain}` }, sk: { S: 'head' } }),
  event: (chain: string, seq: number): Key => ({
    pk: { S: `chain#${chain}` },
    sk: { S: `event#${String(seq).padStart(12, '0')}` },
  }),
  /** Statistics: one group's counts of one Beijing day, in the partition of its kind and day. */
  statistics: (kind: string, day: string, group: string): Key => ({
    pk: { S: statisticsPartition(kind, day) },
    sk: { S: group },
  }),
  /** Audit: the head of the log's Merkle tree (size, frontier, latest checkpoint). */
  treeHead: (): Key => ({ pk: { S: 'tree' }, sk: { S: 'head' } }),
  /** Audit: a complete subtree of the Merkle tree; one partition per level, in index order. */
  treeNode: (level: number, index: number): Key => ({
    pk: { S: `tree#${level}` },
    sk: { S: String(index).padStart(12, '0') },
  }),
  /** Audit: a checkpoint, written once, in tree size order. */
  checkpoint: (treeSize: number): Key => ({
    pk: { S: 'checkpoint' },
    sk: { S: String(treeSize).padStart(12, '0') },
  }),
  /** Inbox: a recipient's message, right after its case's order item and in seq order after it. */
  inboxMessage: (recipient: string, caseId: string, seq: number): Key => ({
    pk: { S: recipient },
    sk: { S: inboxMessageSort(caseId, seq) },
  }),
  /** Inbox: a recipient's order of one case (next seq, pending count). */
  inboxOrder: (recipient: string, caseId: string): Key => ({
    pk: { S: recipient },
    sk: { S: inboxCaseSort(caseId) },
  }),
}

/**
 * The sort key of a case's order item in a recipient's inbox. Its messages follow it directly
 * (case ids hold no character that sorts before `#`), so one Query reads the order and the oldest.
 */
export const inboxCaseSort = (caseId: string) => `case#${caseId}`

/** The sort key of an inbox message: its case's, then its seq in twelve digits so keys sort by seq. */
export const inboxMessageSort = (caseId: string, seq: number) =>
  `${inboxCaseSort(caseId)}#${String(seq).padStart(12, '0')}`

/** The case and seq of an inbox message's sort key. */
export const inboxPosition = (sk: string): { caseId: string; seq: number } => {
  const match = /^case#(.+)#(\d{12})$/.exec(sk)
  if (match?.[1] === undefined || match[2] === undefined) throw new Error(`not an inbox message key: ${sk}`)
  return { caseId: match[1], seq: Number(match[2]) }
}

/** The chain and seq of an audit event's key (`keys.event`); undefined for any other item's. */
export const eventPosition = (key: Key): { chain: string; seq: number } | undefined => {
  const chain = /^chain#(.+)$/.exec(key.pk?.S ?? '')?.[1]
  const seq = /^event#(\d{12})$/.exec(key.sk?.S ?? '')?.[1]
  return chain === undefined || seq === undefined ? undefined : { chain, seq: Number(seq) }
}

/** The partition every item of a case shares, so one Query reads the case, its legs and packages. */
export const casePartition = (caseId: string) => `case#${caseId}`

/** The by-party index key of a participant's cases in one role. */
export const partyKey = (role: 'accepting' | 'home', participant: string) => `${role}#${participant}`

/** The one partition of the by-deadline index (a sweep reads it in deadline order). */
export const deadlineShard = 'deadline'

/** The by-deadline index's partition of legs flagged overdue and still undecided (the supervisors' list). */
export const overdueShard = 'overdue'

/** The partition holding every group's counts of one kind of bucket on one Beijing day. */
export const statisticsPartition = (kind: string, day: string) => `stats#${kind}#${day}`

/** The value of `unfolded` on events the statistics have not counted yet (the sparse queue's partition). */
export const unfoldedQueue = 'stats'
