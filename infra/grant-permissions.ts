import { Aws, type CfnElement, Stack, Validations } from 'aws-cdk-lib'
import type { Table } from 'aws-cdk-lib/aws-dynamodb'
import { Grant as IamGrant, type IGrantable } from 'aws-cdk-lib/aws-iam'
import type { Key } from 'aws-cdk-lib/aws-kms'
import type { Bucket } from 'aws-cdk-lib/aws-s3'
import { Construct } from 'constructs'
import type { Grant } from '#functions/http/routes.js'
import type { buckets } from '#functions/storage-layout.js'
import { tables as layout } from '#functions/storage-layout.js'

/** The resources a grant can name: the exchange's tables and its signing key. */
export type GrantTargets = {
  tables: Record<keyof typeof layout, Table>
  signingKey: Key
  buckets: Record<keyof typeof buckets, Bucket>
  /** The key both document buckets are encrypted with. */
  storageKey: Key
  /** The key that wraps personal data's data keys. */
  dataKey: Key
}

/**
 * Where uploads land in staging, and packages and checkpoints in the sealed bucket: the only
 * prefixes functions touch.
 */
const prefixes = { staging: 'uploads/*', sealed: 'packages/*', checkpoints: 'checkpoints/*' } as const

/** The bucket each prefix is in. */
const bucketOf = { staging: 'staging', sealed: 'sealed', checkpoints: 'sealed' } as const satisfies Record<
  keyof typeof prefixes,
  keyof typeof buckets
>

/**
 * One S3 object action on one bucket's prefix, with the storage key's data-key action S3 needs for
 * it (SSE-KMS), usable only through S3 in this region.
 */
const objectAccess = (
  targets: GrantTargets,
  grantee: IGrantable,
  area: keyof typeof prefixes,
  s3Action: 's3:GetObject' | 's3:PutObject',
  kmsAction: 'kms:Decrypt' | 'kms:GenerateDataKey',
) => {
  const bucket = bucketOf[area]
  const target = targets.buckets[bucket]
  IamGrant.addToPrincipal({
    grantee,
    actions: [s3Action],
    resourceArns: [target.arnForObjects(prefixes[area])],
  })
  // The wildcard is the object-key prefix (one action, one prefix): acknowledged for exactly it.
  if (Construct.isConstruct(grantee)) {
    const bucketId = Stack.of(target).getLogicalId(target.node.defaultChild as CfnElement)
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefixes[area]}]`,
      reason: `Object ARNs need a key pattern; this one is the ${bucket} bucket's ${prefixes[area]} prefix only, for ${s3Action} alone.`,
    })
  }
  IamGrant.addToPrincipal({
    grantee,
    actions: [kmsAction],
    resourceArns: [targets.storageKey.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
  })
}

const [pullableIndex] = layout.inbox.indexes
const [byParty, byDeadline] = layout.state.indexes
const auditIndex = (name: (typeof layout.audit.indexes)[number]['name']) => name

const queryIndex = (tableArn: string, index: string, grantee: IGrantable) =>
  IamGrant.addToPrincipal({
    grantee,
    actions: ['dynamodb:Query'],
    resourceArns: [`${tableArn}/index/${index}`],
  })

/**
 * The IAM actions behind each grant of the route table, on one resource each. A transaction
 * (TransactWriteItems) has no action of its own: DynamoDB checks the item action of every item
 * on its table. Written as a total record, so a new kind of grant does not compile without its
 * permissions.
 */
const permissions: Record<Grant, (targets: GrantTargets, grantee: IGrantable) => void> = {
  'state:read': ({ tables }, grantee) =>
    tables.state.grants.actions(grantee, 'dynamodb:GetItem', 'dynamodb:Query'),
  // Table grants cover the table alone; each index query is granted on that index only.
  'state:by-party': ({ tables }, grantee) => queryIndex(tables.state.tableArn, byParty.name, grantee),
  'state:by-deadline': ({ tables }, grantee) => queryIndex(tables.state.tableArn, byDeadline.name, grantee),
  'state:write': ({ tables }, grantee) =>
    tables.state.grants.actions(
      grantee,
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:ConditionCheckItem',
    ),
  // GetItem reads the chain head that the next event links to.
  'audit:write': ({ tables }, grantee) =>
    tables.audit.grants.actions(
      grantee,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:ConditionCheckItem',
    ),
  // The tree's head, nodes and checkpoints, and a re-read of queued events: point and batch reads only.
  'audit:tree-read': ({ tables }, grantee) =>
    tables.audit.grants.actions(grantee, 'dynamodb:GetItem', 'dynamodb:BatchGetItem'),
  'audit:unsealed': ({ tables }, grantee) =>
    queryIndex(tables.audit.tableArn, auditIndex('unsealed'), grantee),
  'audit:by-event': ({ tables }, grantee) =>
    queryIndex(tables.audit.tableArn, auditIndex('by-event'), grantee),
  // Events and checkpoints are read by partition (a case's chain, `checkpoint`); never scanned.
  'audit:read': ({ tables }, grantee) => tables.audit.grants.actions(grantee, 'dynamodb:Query'),
  'audit:by-actor': ({ tables }, grantee) =>
    queryIndex(tables.audit.tableArn, auditIndex('by-actor'), grantee),
  'audit:by-action': ({ tables }, grantee) =>
    queryIndex(tables.audit.tableArn, auditIndex('by-action'), grantee),
  'audit:by-day': ({ tables }, grantee) => queryIndex(tables.audit.tableArn, auditIndex('by-day'), grantee),
  // The statistics job reads the queue and case chains and removes the queue mark: no put, no delete.
  'audit:fold': ({ tables }, grantee) => {
    tables.audit.grants.actions(grantee, 'dynamodb:Query', 'dynamodb:UpdateItem')
    queryIndex(tables.audit.tableArn, auditIndex('unfolded'), grantee)
  },
  'nonces:write': ({ tables }, grantee) => tables.nonces.grants.actions(grantee, 'dynamodb:PutItem'),
  // The inbox grants name the table and its one index apart: pullers query the pullable index,
  // and nothing may query any other index or write through one.
  'inbox:read-write': ({ tables }, grantee) => {
    IamGrant.addToPrincipal({
      grantee,
      actions: [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ],
      resourceArns: [tables.inbox.tableArn],
    })
    queryIndex(tables.inbox.tableArn, pullableIndex.name, grantee)
  },
  // Enqueuing reads a case's order and puts messages and orders, inside the case's transaction.
  'inbox:write': ({ tables }, grantee) =>
    IamGrant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      resourceArns: [tables.inbox.tableArn],
    }),
  'vault:seal': ({ dataKey }, grantee) => dataKey.grants.actions(grantee, 'kms:GenerateDataKey'),
  'vault:open': ({ dataKey }, grantee) => dataKey.grants.actions(grantee, 'kms:Decrypt'),
  'signer:public': ({ signingKey }, grantee) => signingKey.grants.actions(grantee, 'kms:GetPublicKey'),
  'signer:sign': ({ signingKey }, grantee) =>
    signingKey.grants.actions(grantee, 'kms:Sign', 'kms:GetPublicKey'),
  // A presigned URL acts with the presigning role's permissions: this one may only put uploads.
  'staging:write': (targets, grantee) =>
    objectAccess(targets, grantee, 'staging', 's3:PutObject', 'kms:GenerateDataKey'),
  'staging:read': (targets, grantee) =>
    objectAccess(targets, grantee, 'staging', 's3:GetObject', 'kms:Decrypt'),
  // Copies and package.json; no delete, no retention change: Object Lock keeps what is written.
  'sealed:write': (targets, grantee) =>
    objectAccess(targets, grantee, 'sealed', 's3:PutObject', 'kms:GenerateDataKey'),
  'sealed:read': (targets, grantee) =>
    objectAccess(targets, grantee, 'sealed', 's3:GetObject', 'kms:Decrypt'),
  // Checkpoints only, under their own prefix: the checkpointer can neither read nor write packages.
  'sealed:checkpoints': (targets, grantee) =>
    objectAccess(targets, grantee, 'checkpoints', 's3:PutObject', 'kms:GenerateDataKey'),
}

/** Gives `grantee` exactly the permissions `grants` name, and nothing else. */
export const grantPermissions = (grants: Iterable<Grant>, targets: GrantTargets, grantee: IGrantable) => {
  for (const grant of grants) permissions[grant](targets, grantee)
}
