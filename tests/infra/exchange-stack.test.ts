import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App, type CfnElement, Validations } from 'aws-cdk-lib'
import { Match, Template } from 'aws-cdk-lib/assertions'
import { AwsSolutionsChecks } from 'cdk-nag'
import type { IConstruct } from 'constructs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleFunctions } from '#functions/bundle.js'
import { handlerModules } from '#functions/handlers.js'
import { authorizerHandler, routeList } from '#functions/http/routes.js'
import { jobs } from '#functions/jobs/jobs.js'
import { buckets, tables } from '#functions/storage-layout.js'
import cdkJson from '../../cdk.json' with { type: 'json' }
import { ExchangeStack } from '../../infra/exchange-stack.js'

type Statement = { Effect: string; Action: string | string[]; Resource: unknown }
type Permission = { action: string; resource: unknown }

let bundleDir: string
let app: App
let stack: ExchangeStack
let template: Template

beforeAll(async () => {
  bundleDir = await mkdtemp(join(tmpdir(), 'exchange-bundles-'))
  // The context of cdk.json, so the feature flags are those `cdk synth` runs with.
  app = new App({ context: cdkJson.context })
  stack = new ExchangeStack(app, 'Exchange', { bundles: await bundleFunctions(bundleDir) })
  template = Template.fromStack(stack)
})

afterAll(async () => {
  await rm(bundleDir, { recursive: true, force: true })
})

const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement)

const functionOf = (module: string) => {
  const found = stack.functions.get(module)
  if (found === undefined) throw new Error(`no function for ${module}`)
  return found
}

/** Every action the role of `module`'s function is allowed, with the resource it is allowed on. */
const permissionsOf = (module: string): Permission[] => {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: logicalId(functionOf(module).role) }]) },
  })
  return Object.values(policies).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as Statement[]).flatMap((statement) => {
      expect(statement.Effect).toBe('Allow')
      const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action]
      const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]
      return actions.flatMap((action) => resources.map((resource) => ({ action, resource })))
    }),
  )
}

const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] })

describe('the HTTP API', () => {
  it('deploys every route of the route table and no other', () => {
    const deployed = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    )
    expect(deployed.sort()).toEqual(routeList.map((route) => `${route.method} ${route.path}`).sort())
  })

  it('runs the authorizer before every participant route and nothing before public ones', () => {
    const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))
    for (const route of routeList) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
        ...(route.auth === 'participant'
          ? { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } }
          : { AuthorizationType: 'NONE', AuthorizerId: Match.absent() }),
      })
    }
  })

  it('disables the authorizer cache so a jti is spent on every request', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1)
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
      AuthorizerUri: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([arnOf(functionOf(authorizerHandler).function)])]),
      }),
    })
  })

  it('calls the authorizer even without an Authorization header, so a 401 is problem+json', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { IdentitySource: [] })
  })

  it('throttles the default stage and logs every request', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    })
  })
})

describe('the functions', () => {
  it('deploys one function per handler module, the authorizer included', () => {
    expect([...stack.functions.keys()].sort()).toEqual(handlerModules().sort())
    template.resourceCountIs('AWS::Lambda::Function', handlerModules().length)
  })

  it('runs each function on Node.js 22 on arm64 from our ESM bundle, logging to a retained log group', () => {
    for (const module of handlerModules()) {
      const { function: lambda, logGroup } = functionOf(module)
      const resource = template.findResources('AWS::Lambda::Function')[logicalId(lambda)]
      expect(resource?.Properties).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: logicalId(logGroup) } },
      })
      const logs = template.findResources('AWS::Logs::LogGroup')[logicalId(logGroup)]
      expect(logs?.Properties.RetentionInDays).toBeGreaterThanOrEqual(365)
      expect(logs?.DeletionPolicy).toBe('Retain')
    }
  })

  it('hands every function the settings functions/config.ts reads', () => {
    const expected = [
      'EXCHANGE_ID',
      'EXCHANGE_VERSION',
      'EXCHANGE_ADMIN_JWKS',
      'EXCHANGE_SIGNING_KEY',
      'EXCHANGE_DATA_KEY',
      ...Object.values(tables).map((layout) => layout.env),
      ...Object.values(buckets).map((layout) => layout.env),
    ]
    for (const resource of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(Object.keys(resource.Properties.Environment.Variables).sort()).toEqual(expected.sort())
      expect(resource.Properties.Environment.Variables.EXCHANGE_ADMIN_JWKS).toEqual({ Ref: 'AdminJwks' })
      expect(resource.Properties.Environment.Variables.EXCHANGE_SIGNING_KEY).toEqual({
        'Fn::Join': ['', ['kms:', arnOf(stack.signingKey)]],
      })
    }
  })

  it('takes the admin JWKS and the exchange id as stack parameters', () => {
    template.hasParameter('AdminJwks', { Type: 'String', NoEcho: false })
    template.hasParameter('ExchangeId', { Type: 'String', Default: 'exchange' })
  })
})

describe('the tables', () => {
  it('creates every table of the storage layout with its keys, and a TTL only where the layout has one', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', Object.keys(tables).length)
    for (const [key, layout] of Object.entries(tables)) {
      const table =
        template.findResources('AWS::DynamoDB::Table')[logicalId(stack.tables[key as keyof typeof tables])]
      expect(table?.Properties.KeySchema).toEqual([
        { AttributeName: layout.partitionKey, KeyType: 'HASH' },
        ...('sortKey' in layout ? [{ AttributeName: layout.sortKey, KeyType: 'RANGE' }] : []),
      ])
      expect(table?.Properties.TimeToLiveSpecification).toEqual(
        'timeToLive' in layout ? { AttributeName: layout.timeToLive, Enabled: true } : undefined,
      )
    }
  })

  it('bills on demand, encrypts, recovers to a point in time and refuses deletion', () => {
    const all = template.findResources('AWS::DynamoDB::Table')
    for (const table of Object.values(all)) {
      expect(table).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          SSESpecification: { SSEEnabled: true },
        },
      })
    }
  })
})

describe('the buckets', () => {
  const bucketResource = (key: keyof typeof buckets) =>
    template.findResources('AWS::S3::Bucket')[logicalId(stack.buckets[key])]

  it('blocks public access, versions, and encrypts with a rotated KMS key and bucket keys', () => {
    for (const key of Object.keys(buckets) as (keyof typeof buckets)[]) {
      const { Properties } = bucketResource(key) ?? {}
      expect(Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } },
          ],
        },
        LoggingConfiguration: { DestinationBucketName: expect.anything() },
      })
      const keyId =
        Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
          .KMSMasterKeyID['Fn::GetAtt'][0]
      expect(template.findResources('AWS::KMS::Key')[keyId]?.Properties.EnableKeyRotation).toBe(true)
    }
  })

  it('refuses every request that is not over TLS', () => {
    for (const bucket of Object.values(stack.buckets)) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(bucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      })
    }
  })

  it('expires uploads left in staging after the days the layout says', () => {
    expect(bucketResource('staging')?.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        Status: 'Enabled',
        ExpirationInDays: buckets.staging.expireAfterDays,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }),
    )
  })

  it('makes sealed packages write-once with Object Lock, and only those', () => {
    expect(bucketResource('sealed')?.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE' } },
      },
    })
    expect(bucketResource('staging')?.Properties.ObjectLockEnabled).toBeUndefined()
  })
})

describe('the signing key', () => {
  it('is an asymmetric P-256 key for signing only, kept when the stack goes', () => {
    const key = template.findResources('AWS::KMS::Key')[logicalId(stack.signingKey)]
    expect(key).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' },
    })
  })
})

describe('least privilege', () => {
  const dataActions = (permissions: Permission[]) =>
    permissions.filter(({ action }) => !action.startsWith('logs:'))

  it('gives every function its own log group and no other logs permission', () => {
    for (const module of handlerModules()) {
      const logs = permissionsOf(module).filter(({ action }) => action.startsWith('logs:'))
      expect(logs.map(({ action }) => action).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents'])
      for (const { resource } of logs) expect(resource).toEqual(arnOf(functionOf(module).logGroup))
    }
  })

  it('attaches no managed policy to any function role', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined()
    }
  })

  it('gives the health function no DynamoDB or KMS permission', () => {
    expect(dataActions(permissionsOf('discovery/get-health'))).toEqual([])
  })

  it('lets the JWKS function read the public key and not sign', () => {
    expect(dataActions(permissionsOf('discovery/get-jwks'))).toEqual([
      { action: 'kms:GetPublicKey', resource: arnOf(stack.signingKey) },
    ])
  })

  it('lets a registry read function read the state table and write nothing', () => {
    const permissions = dataActions(permissionsOf('registry/get-participant'))
    expect(permissions.map(({ action }) => action).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query'])
    for (const { resource } of permissions) expect(resource).toEqual(arnOf(stack.tables.state))
  })

  it('lets a registry write function write state and audit in one transaction, and touch no nonce', () => {
    const permissions = dataActions(permissionsOf('registry/put-participant'))
    const on = (table: keyof typeof tables) =>
      permissions
        .filter(({ resource }) => JSON.stringify(resource) === JSON.stringify(arnOf(stack.tables[table])))
        .map(({ action }) => action)
        .sort()
    expect(on('state')).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ])
    expect(on('audit')).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ])
    expect(on('nonces')).toEqual([])
    expect(permissions.filter(({ action }) => action.startsWith('kms:'))).toEqual([])
  })

  it('lets the authorizer read state and put items only in the nonces table', () => {
    const permissions = dataActions(permissionsOf(authorizerHandler))
    expect(permissions.filter(({ action }) => action === 'dynamodb:PutItem')).toEqual([
      { action: 'dynamodb:PutItem', resource: arnOf(stack.tables.nonces) },
    ])
    expect(permissions.map(({ action }) => action).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ])
  })

  it('lets the inbox functions work the inbox table, query only its pullable index, and touch no state', () => {
    const inboxArn = JSON.stringify(arnOf(stack.tables.inbox))
    for (const module of ['inbox/pull-messages', 'inbox/ack-messages']) {
      const permissions = dataActions(permissionsOf(module))
      expect(
        permissions
          .filter(({ resource }) => JSON.stringify(resource) === inboxArn)
          .map(({ action }) => action)
          .sort(),
      ).toEqual([
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ])
      expect(permissions.filter(({ resource }) => JSON.stringify(resource).includes('/index/'))).toEqual([
        {
          action: 'dynamodb:Query',
          resource: {
            'Fn::Join': ['', [arnOf(stack.tables.inbox), `/index/${tables.inbox.indexes[0].name}`]],
          },
        },
      ])
      const state = JSON.stringify(arnOf(stack.tables.state))
      expect(permissions.filter(({ resource }) => JSON.stringify(resource).includes(state))).toEqual([])
    }
  })

  /** The S3 object permissions of a function, and its permissions on the buckets' storage key. */
  const documentAccess = (module: string) => {
    const permissions = dataActions(permissionsOf(module))
    const objects = permissions
      .filter(({ action }) => action.startsWith('s3:'))
      .map(({ action, resource }) => ({ action, resource }))
    const storageKey = template.findResources('AWS::KMS::Key', {
      Properties: { Description: Match.stringLikeRegexp('document buckets') },
    })
    const [storageKeyId] = Object.keys(storageKey)
    const keyActions = permissions
      .filter(
        ({ resource }) =>
          JSON.stringify(resource) === JSON.stringify({ 'Fn::GetAtt': [storageKeyId, 'Arn'] }),
      )
      .map(({ action }) => action)
      .sort()
    return { objects, keyActions, storageKeyId }
  }

  const objectsUnder = (bucket: keyof typeof buckets, prefix: string) => ({
    'Fn::Join': ['', [arnOf(stack.buckets[bucket]), `/${prefix}`]],
  })

  it('lets the case listing query the by-party index alone, and the sweep the by-deadline index alone', () => {
    const indexQueries = (module: string) =>
      dataActions(permissionsOf(module)).filter(({ resource }) =>
        JSON.stringify(resource).includes('/index/'),
      )
    const onIndex = (name: string) => ({
      action: 'dynamodb:Query',
      resource: { 'Fn::Join': ['', [arnOf(stack.tables.state), `/index/${name}`]] },
    })
    const [byParty, byDeadline] = tables.state.indexes
    expect(indexQueries('cases/list-cases')).toEqual([onIndex(byParty.name)])
    expect(indexQueries('jobs/supervise-deadlines')).toEqual([onIndex(byDeadline.name)])
    expect(indexQueries('cases/get-case')).toEqual([])
  })

  it('lets the checkpointer query the unsealed queue, sign, and put objects only under checkpoints/ in sealed', () => {
    const module = 'jobs/checkpoint-audit-log'
    const permissions = dataActions(permissionsOf(module))
    expect(permissions.filter(({ resource }) => JSON.stringify(resource).includes('/index/'))).toEqual([
      {
        action: 'dynamodb:Query',
        resource: { 'Fn::Join': ['', [arnOf(stack.tables.audit), '/index/unsealed']] },
      },
    ])
    const { objects, keyActions } = documentAccess(module)
    expect(objects).toEqual([{ action: 's3:PutObject', resource: objectsUnder('sealed', 'checkpoints/*') }])
    expect(keyActions).toEqual(['kms:GenerateDataKey'])
    const signing = permissions.filter(
      ({ resource }) => JSON.stringify(resource) === JSON.stringify(arnOf(stack.signingKey)),
    )
    expect(signing.map(({ action }) => action).sort()).toEqual(['kms:GetPublicKey', 'kms:Sign'])
    const state = JSON.stringify(arnOf(stack.tables.state))
    expect(permissions.filter(({ resource }) => JSON.stringify(resource).includes(state))).toEqual([])
  })

  it('lets the checkpoint and proof functions read the audit table, write nothing, and query only by event', () => {
    const readOnly = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']
    const modules = [
      'audit/get-latest-checkpoint',
      'audit/get-inclusion-proof',
      'audit/get-consistency-proof',
    ]
    for (const module of modules) {
      const permissions = dataActions(permissionsOf(module))
      for (const { action } of permissions) expect(readOnly, `${module} may ${action}`).toContain(action)
      const indexes = permissions.filter(({ resource }) => JSON.stringify(resource).includes('/index/'))
      expect(indexes).toEqual(
        module === 'audit/get-inclusion-proof'
          ? [
              {
                action: 'dynamodb:Query',
                resource: { 'Fn::Join': ['', [arnOf(stack.tables.audit), '/index/by-event']] },
              },
            ]
          : [],
      )
    }
  })

  it('lets the events query and the export read the audit log through their indexes, and write nothing', () => {
    const onIndex = (name: string) => ({
      action: 'dynamodb:Query',
      resource: { 'Fn::Join': ['', [arnOf(stack.tables.audit), `/index/${name}`]] },
    })
    const indexQueries = (module: string) =>
      dataActions(permissionsOf(module))
        .filter(({ resource }) => JSON.stringify(resource).includes('/index/'))
        .sort((a, b) => JSON.stringify(a.resource).localeCompare(JSON.stringify(b.resource)))
    expect(indexQueries('audit/query-events')).toEqual(['by-action', 'by-actor', 'by-day'].map(onIndex))
    expect(indexQueries('audit/export-audit')).toEqual(['by-day', 'by-event'].map(onIndex))
    const readOnly = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'kms:GetPublicKey']
    for (const module of ['audit/query-events', 'audit/export-audit'])
      for (const { action } of dataActions(permissionsOf(module)))
        expect(readOnly, `${module} may ${action}`).toContain(action)
  })

  it('lets the statistics job query the unfolded index alone and dequeue events without putting any', () => {
    const permissions = dataActions(permissionsOf('jobs/fold-statistics'))
    const auditArn = JSON.stringify(arnOf(stack.tables.audit))
    expect(permissions.filter(({ resource }) => JSON.stringify(resource).includes('/index/'))).toEqual([
      {
        action: 'dynamodb:Query',
        resource: { 'Fn::Join': ['', [arnOf(stack.tables.audit), '/index/unfolded']] },
      },
    ])
    expect(
      permissions
        .filter(({ resource }) => JSON.stringify(resource) === auditArn)
        .map(({ action }) => action)
        .sort(),
    ).toEqual(['dynamodb:Query', 'dynamodb:UpdateItem'])
    const byDeadline = { 'Fn::Join': ['', [arnOf(stack.tables.state), '/index/by-deadline']] }
    expect(
      dataActions(permissionsOf('supervision/list-legs')).filter(({ resource }) =>
        JSON.stringify(resource).includes('/index/'),
      ),
    ).toEqual([{ action: 'dynamodb:Query', resource: byDeadline }])
    expect(
      dataActions(permissionsOf('supervision/get-stats'))
        .map(({ action }) => action)
        .sort(),
    ).toEqual(['dynamodb:GetItem', 'dynamodb:Query'])
  })

  it('runs every scheduled job on its EventBridge schedule', () => {
    for (const job of jobs) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: `rate(${job.everyMinutes} minute${job.everyMinutes === 1 ? '' : 's'})`,
        Targets: Match.arrayWith([Match.objectLike({ Arn: arnOf(functionOf(job.handler).function) })]),
      })
    }
  })

  it('lets the upload function put objects only under uploads/ in staging, and read none', () => {
    const { objects, keyActions } = documentAccess('documents/create-uploads')
    expect(objects).toEqual([{ action: 's3:PutObject', resource: objectsUnder('staging', 'uploads/*') }])
    expect(keyActions).toEqual(['kms:GenerateDataKey'])
  })

  it('lets the package read functions get objects only under packages/ in sealed, and write none', () => {
    for (const module of ['documents/list-packages', 'documents/get-package']) {
      const { objects, keyActions } = documentAccess(module)
      expect(objects).toEqual([{ action: 's3:GetObject', resource: objectsUnder('sealed', 'packages/*') }])
      expect(keyActions).toEqual(['kms:Decrypt'])
      const writes = dataActions(permissionsOf(module)).filter(({ action }) =>
        ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'].includes(action),
      )
      for (const { resource } of writes) expect(resource).toEqual(arnOf(stack.tables.audit))
    }
  })

  it('uses the storage key only through S3 in the stack region', () => {
    const { storageKeyId } = documentAccess('documents/create-uploads')
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as (Statement & { Condition?: unknown })[],
    )
    const onKey = statements.filter(
      (statement) =>
        JSON.stringify(statement.Resource) === JSON.stringify({ 'Fn::GetAtt': [storageKeyId, 'Arn'] }),
    )
    expect(onKey.length).toBeGreaterThan(0)
    for (const statement of onKey) {
      expect(statement.Condition).toEqual({
        StringEquals: {
          'kms:ViaService': {
            'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
          },
        },
      })
    }
  })

  it('lets no function delete an object, change its retention or bypass Object Lock', () => {
    for (const module of handlerModules()) {
      for (const { action } of dataActions(permissionsOf(module)).filter(({ action }) =>
        action.startsWith('s3:'),
      )) {
        expect(['s3:GetObject', 's3:PutObject'], `${module} may ${action}`).toContain(action)
      }
    }
  })

  it('names a resource in every permission, never a wildcard', () => {
    for (const module of handlerModules()) {
      for (const { resource } of permissionsOf(module)) expect(JSON.stringify(resource)).not.toContain('"*"')
    }
  })
})

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in the AwsSolutions pack', () => {
    const report = new AwsSolutionsChecks().validateScope(app)
    expect(
      report.violations.map(({ ruleName, violatingResources }) => ({ ruleName, violatingResources })),
    ).toEqual([])
  })

  it('gives a reason for every acknowledged finding', () => {
    const acknowledgments = app.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.entries(entry.data as Record<string, unknown>)),
      )
    expect(acknowledgments.length).toBeGreaterThan(0)
    for (const [id, reason] of acknowledgments) {
      expect(typeof reason === 'string' && reason.trim().length > 20, `reason of ${id}`).toBe(true)
    }
  })
})
