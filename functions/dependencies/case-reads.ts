import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { CaseListDeps } from '#shared/cases/list-cases.js'
import { dynamodbCaseReader } from '../adapters/dynamodb-case-reader.js'
import { type Config, config } from '../config.js'
import { calendars } from './calendars.js'
import { dynamodbClient } from './stores.js'

/** What reading cases needs without their personal data: no S3, no KMS. */
export const caseReadDependencies = (
  settings: Config,
  client: DynamoDBClient = dynamodbClient(settings),
): CaseListDeps => ({
  cases: dynamodbCaseReader(client, settings.STATE_TABLE),
  calendar: calendars(),
  clock: () => new Date(),
})

let built: CaseListDeps | undefined

/** This process's case reads, built once per cold start. */
export const caseReads = () => {
  built ??= caseReadDependencies(config())
  return built
}
