import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { SuperviseDeps } from '#shared/cases/supervise-deadlines.js'
import { enqueue } from '#shared/inbox/enqueue.js'
import { dynamodbCaseReader } from '../adapters/dynamodb-case-reader.js'
import { dynamodbDeadlineIndex } from '../adapters/dynamodb-deadline-index.js'
import { type Config, config } from '../config.js'
import { calendars } from './calendars.js'
import { dynamodbClient, storeDependencies } from './stores.js'

/** What the supervision sweep needs: legs by deadline, the audited store, calendars and messages. */
export const deadlineSweepDependencies = (
  settings: Config,
  client: DynamoDBClient = dynamodbClient(settings),
): SuperviseDeps => {
  const { registry, inbox } = storeDependencies(settings, client)
  return {
    ...registry,
    cases: dynamodbCaseReader(client, settings.STATE_TABLE),
    deadlines: dynamodbDeadlineIndex(client, settings.STATE_TABLE),
    calendar: calendars(),
    enqueue: (messages) => enqueue(inbox, messages),
  }
}

let built: SuperviseDeps | undefined

/** This process's sweep dependencies, built once per cold start. */
export const deadlineSweep = () => {
  built ??= deadlineSweepDependencies(config())
  return built
}
