import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib'
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam'
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda'
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import type { Bundle } from '#functions/bundle.js'

/** What one exchange function needs: its bundle and the environment `functions/config.ts` reads. */
export type ExchangeFunctionProps = {
  bundle: Bundle
  environment: Record<string, string>
  /**
   * Functions that read and copy documents get a whole vCPU and API Gateway's whole 30 s: hashing
   * and copying a package of many large scans is their work, not a fault.
   */
  handlesDocuments: boolean
}

/**
 * One Lambda function of the exchange with the house defaults: Node 22 on arm64 (what the bundles
 * target), our ESM bundle as is, and a role that starts with nothing but its own log group, so every
 * other permission is one the route table asked for.
 */
export class ExchangeFunction extends Construct {
  readonly function: LambdaFunction
  readonly role: Role
  readonly logGroup: LogGroup

  constructor(scope: Construct, id: string, props: ExchangeFunctionProps) {
    super(scope, id)
    // Kept a year and retained with the stack: these logs are part of what an audit looks at.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    })
    // Our own role instead of the default one, whose managed AWSLambdaBasicExecutionRole lets the
    // function create and write any log group of the account.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') })
    this.logGroup.grants.write(this.role)
    this.function = new LambdaFunction(this, 'Function', {
      description: `Exchange: ${props.bundle.module}`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      code: Code.fromAsset(props.bundle.directory),
      handler: 'index.handler',
      memorySize: props.handlesDocuments ? 1769 : 512,
      timeout: Duration.seconds(props.handlesDocuments ? 29 : 10),
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
    })
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 on purpose: functions/bundle.ts targets node22; moving to a newer runtime is a deliberate upgrade of both.',
    })
  }
}
