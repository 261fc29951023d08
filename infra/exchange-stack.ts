import {
  CfnOutput,
  CfnParameter,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib'
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway'
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2'
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers'
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations'
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb'
import { Rule, Schedule } from 'aws-cdk-lib/aws-events'
import { LambdaFunction as LambdaFunctionTarget } from 'aws-cdk-lib/aws-events-targets'
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms'
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs'
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  type LifecycleRule,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3'
import type { Construct } from 'constructs'
import type { Bundle } from '#functions/bundle.js'
import { authorizerGrants, authorizerHandler, type Grant, routeList } from '#functions/http/routes.js'
import { jobs } from '#functions/jobs/jobs.js'
import { buckets, type IndexLayout, tables } from '#functions/storage-layout.js'
import packageJson from '../package.json' with { type: 'json' }
import { ExchangeFunction } from './exchange-function.js'
import { grantPermissions } from './grant-permissions.js'

/** What the stack is built from: the bundles `bundleFunctions` wrote, one per handler module. */
export type ExchangeStackProps = StackProps & { bundles: readonly Bundle[] }

/** Steady and burst request rates of the whole API: ample for a few dozen partner systems. */
const throttle = { rateLimit: 50, burstLimit: 100 }

/**
 * How long a sealed package cannot be deleted: a year covers the six months in which an
 * administrative decision can be taken to court (Administrative Litigation Law, art. 46), with
 * room for the case to run first.
 */
const sealedRetention = Duration.days(365)

/** `registry/put-participant` → `RegistryPutParticipant`: a construct id from a module or key. */
const pascalCase = (name: string) =>
  name
    .split(/[/-]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')

/** `Object.entries` that keeps the key type of a declared record. */
const entries = <K extends string, V>(record: Record<K, V>) => Object.entries(record) as [K, V][]

const mapValues = <K extends string, V, W>(record: Record<K, V>, map: (value: V, key: K) => W) =>
  Object.fromEntries(entries(record).map(([key, value]) => [key, map(value, key)])) as Record<K, W>

/** Every handler module with the union of what its routes touch; the authorizer with its own. */
const grantsByModule = () => {
  const modules = new Map<string, Set<Grant>>([[authorizerHandler, new Set(authorizerGrants)]])
  for (const { handler, grants: needed } of [...routeList, ...jobs]) {
    const grants = modules.get(handler) ?? new Set()
    for (const grant of needed) grants.add(grant)
    modules.set(handler, grants)
  }
  return modules
}

/**
 * The whole exchange on AWS, derived from the declarations the code already runs on: the route
 * table gives the HTTP API, the functions and their permissions; the storage layout gives the
 * tables and buckets.
 */
export class ExchangeStack extends Stack {
  readonly tables: Record<keyof typeof tables, Table>
  readonly buckets: Record<keyof typeof buckets, Bucket>
  readonly signingKey: Key
  /** One function per handler module, keyed by module (`registry/get-item`, `authorizer`, …). */
  readonly functions: ReadonlyMap<string, ExchangeFunction>

  constructor(scope: Construct, id: string, props: ExchangeStackProps) {
    super(scope, id, props)

    const exchangeId = new CfnParameter(this, 'ExchangeId', {
      type: 'String',
      default: 'exchange',
      description: 'The exchange identifier: the issuer of what it signs and the aud of every token.',
    })
    const adminJwks = new CfnParameter(this, 'AdminJwks', {
      type: 'String',
      noEcho: false,
      description: 'Public JWKS JSON of the admin participant',
    })

    this.tables = mapValues(
      tables,
      (layout, key) =>
        new Table(this, `${pascalCase(key)}Table`, {
          partitionKey: { name: layout.partitionKey, type: AttributeType.STRING },
          ...('sortKey' in layout ? { sortKey: { name: layout.sortKey, type: AttributeType.STRING } } : {}),
          ...('timeToLive' in layout ? { timeToLiveAttribute: layout.timeToLive } : {}),
          ...('indexes' in layout
            ? {
                globalSecondaryIndexes: layout.indexes.map((index: IndexLayout) => ({
                  indexName: index.name,
                  partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
                  ...(index.sortKey === undefined
                    ? {}
                    : {
                        sortKey: {
                          name: index.sortKey,
                          type: index.sortKeyType === 'N' ? AttributeType.NUMBER : AttributeType.STRING,
                        },
                      }),
                })),
              }
            : {}),
          billingMode: BillingMode.PAY_PER_REQUEST,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          deletionProtection: true,
          // The AWS managed key: encrypted at rest, and the functions need no KMS permissions for it.
          encryption: TableEncryption.AWS_MANAGED,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    )

    const storageKey = new Key(this, 'StorageKey', {
      description: 'Encrypts the staging and sealed document buckets.',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    })
    // S3 server access logs can only be delivered to a bucket encrypted with S3-managed keys.
    const accessLogs = new Bucket(this, 'AccessLogsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    })
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the other buckets; logging it into itself would loop.',
    })
    this.buckets = mapValues(buckets, (layout, key) => {
      const lifecycleRules: LifecycleRule[] =
        'expireAfterDays' in layout
          ? [
              {
                expiration: Duration.days(layout.expireAfterDays),
                // Versioning keeps an expired object as a noncurrent version: expire that too.
                noncurrentVersionExpiration: Duration.days(layout.expireAfterDays),
                abortIncompleteMultipartUploadAfter: Duration.days(1),
              },
            ]
          : []
      return new Bucket(this, `${pascalCase(key)}Bucket`, {
        encryption: BucketEncryption.KMS,
        encryptionKey: storageKey,
        bucketKeyEnabled: true,
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        versioned: true,
        // The cast only bridges exactOptionalPropertyTypes: Bucket declares `isWebsite` as
        // `boolean | undefined` where IBucket has an optional `boolean`.
        serverAccessLogsBucket: accessLogs as IBucket,
        serverAccessLogsPrefix: `${key}/`,
        lifecycleRules,
        // GOVERNANCE rather than COMPLIANCE: no function may delete a sealed package (none holds
        // s3:BypassGovernanceRetention), yet a package that must lawfully be erased early (personal
        // data held without basis, a wrong upload) can still be, by a deliberate privileged act.
        // Tampering stays detectable either way: every package is bound by the exchange's seal.
        ...(layout.objectLock
          ? {
              objectLockEnabled: true,
              objectLockDefaultRetention: ObjectLockRetention.governance(sealedRetention),
            }
          : {}),
        removalPolicy: RemovalPolicy.RETAIN,
      })
    })

    this.signingKey = new Key(this, 'SigningKey', {
      description: 'Signs what the exchange issues: receipts, seals, notices, checkpoints.',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      // Signatures made with it stay verifiable only while its public key can be fetched.
      removalPolicy: RemovalPolicy.RETAIN,
    })

    const dataKey = new Key(this, 'PersonalDataKey', {
      description: "Wraps the data keys that encrypt applicants' personal data, each bound to its case.",
      enableKeyRotation: true,
      // Without it no stored personal data can ever be read again.
      removalPolicy: RemovalPolicy.RETAIN,
    })

    // Everything functions/config.ts reads; AWS_REGION is set by the Lambda runtime itself.
    const environment = {
      EXCHANGE_ID: exchangeId.valueAsString,
      EXCHANGE_VERSION: packageJson.version,
      EXCHANGE_ADMIN_JWKS: adminJwks.valueAsString,
      EXCHANGE_SIGNING_KEY: `kms:${this.signingKey.keyArn}`,
      EXCHANGE_DATA_KEY: `kms:${dataKey.keyArn}`,
      ...Object.fromEntries(entries(tables).map(([key, { env }]) => [env, this.tables[key].tableName])),
      ...Object.fromEntries(entries(buckets).map(([key, { env }]) => [env, this.buckets[key].bucketName])),
    }

    const functions = new Map<string, ExchangeFunction>()
    for (const [module, grants] of grantsByModule()) {
      const bundle = props.bundles.find((candidate) => candidate.module === module)
      if (bundle === undefined) throw new Error(`No bundle for handler module ${module}`)
      const exchangeFunction = new ExchangeFunction(this, pascalCase(module), {
        bundle,
        environment,
        handlesDocuments: grants.has('staging:read'),
      })
      grantPermissions(
        grants,
        { tables: this.tables, signingKey: this.signingKey, buckets: this.buckets, storageKey, dataKey },
        exchangeFunction.role,
      )
      functions.set(module, exchangeFunction)
    }
    this.functions = functions
    for (const job of jobs) {
      const target = functions.get(job.handler)
      if (target === undefined) throw new Error(`No function for job ${job.handler}`)
      new Rule(this, `${pascalCase(job.handler)}Schedule`, {
        description: job.summary,
        schedule: Schedule.rate(Duration.minutes(job.everyMinutes)),
        targets: [new LambdaFunctionTarget(target.function, { retryAttempts: 0 })],
      })
    }
    const functionOf = (module: string) => {
      const found = functions.get(module)
      if (found === undefined) throw new Error(`No function for handler module ${module}`)
      return found.function
    }

    const api = new HttpApi(this, 'Api', {
      description: 'The inter-district exchange',
      createDefaultStage: false,
    })
    const accessLogGroup = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    })
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: api,
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogGroup),
        // Identifiers and outcomes only: who called (the authorizer's verdict), what and how it went.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            at: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            verdict: '$context.authorizer.verdict',
            participant: '$context.authorizer.participant',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    })

    const authorizer = new HttpLambdaAuthorizer('Authorizer', functionOf(authorizerHandler), {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      // The authorizer spends the token's jti: a cached answer would let a replay through.
      resultsCacheTtl: Duration.seconds(0),
      // No identity source, so API Gateway calls the authorizer even without an Authorization
      // header and the contract's problem+json 401 is what the caller gets (allowed with TTL 0).
      identitySource: [],
    })
    const integrations = new Map<string, HttpLambdaIntegration>()
    for (const route of routeList) {
      const integration =
        integrations.get(route.handler) ??
        new HttpLambdaIntegration(`${pascalCase(route.handler)}Integration`, functionOf(route.handler))
      integrations.set(route.handler, integration)
      const [httpRoute] = api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(route.auth === 'participant' ? { authorizer } : {}),
      })
      if (route.auth === 'public' && httpRoute !== undefined) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is a discovery route the contract makes unauthenticated.`,
        })
      }
    }

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the exchange API' })
    for (const [key, table] of entries(this.tables)) {
      new CfnOutput(this, `${pascalCase(key)}TableName`, { value: table.tableName })
    }
    for (const [key, bucket] of entries(this.buckets)) {
      new CfnOutput(this, `${pascalCase(key)}BucketName`, { value: bucket.bucketName })
    }
  }
}
