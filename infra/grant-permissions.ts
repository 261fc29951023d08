import type { Table } from 'aws-cdk-lib/aws-dynamodb'
import type { IGrantable } from 'aws-cdk-lib/aws-iam'
import type { Key } from 'aws-cdk-lib/aws-kms'
import type { Grant } from '#functions/http/routes.js'
import type { tables } from '#functions/storage-layout.js'

/** The resources a grant can name: the exchange's tables and its signing key. */
export type GrantTargets = {
  tables: Record<keyof typeof tables, Table>
  signingKey: Key
}

/**
 * The IAM actions behind each grant of the route table, on one resource each. A transaction
 * (TransactWriteItems) has no action of its own: DynamoDB checks the item action of every item
 * on its table. Written as a total record, so a new kind of grant does not compile without its
 * permissions.
 */
const permissions: Record<Grant, (targets: GrantTargets, grantee: IGrantable) => void> = {
  'state:read': ({ tables }, grantee) =>
    tables.state.grants.actions(grantee, 'dynamodb:GetItem', 'dynamodb:Query'),
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
  'nonces:write': ({ tables }, grantee) => tables.nonces.grants.actions(grantee, 'dynamodb:PutItem'),
  'signer:public': ({ signingKey }, grantee) => signingKey.grants.actions(grantee, 'kms:GetPublicKey'),
  'signer:sign': ({ signingKey }, grantee) =>
    signingKey.grants.actions(grantee, 'kms:Sign', 'kms:GetPublicKey'),
}

/** Gives `grantee` exactly the permissions `grants` name, and nothing else. */
export const grantPermissions = (grants: Iterable<Grant>, targets: GrantTargets, grantee: IGrantable) => {
  for (const grant of grants) permissions[grant](targets, grantee)
}
