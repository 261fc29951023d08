import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type { CaseWriteDeps, SubmitCaseDeps } from '#shared/cases/submit-case.js'
import type { TransitionDeps } from '#shared/cases/transition-leg.js'
import { enqueue } from '#shared/inbox/enqueue.js'
import { sealPackage } from '#shared/packages/seal-package.js'
import { agreementsOf } from '#shared/registry/register-agreement.js'
import { dynamodbCaseReader } from '../adapters/dynamodb-case-reader.js'
import { type Config, config } from '../config.js'
import { calendars } from './calendars.js'
import { documentDependencies } from './documents.js'
import { exchangeSigner } from './signer.js'
import { dynamodbClient, storeDependencies } from './stores.js'
import { personalDataVault } from './vault.js'

/** What submitting cases and moving legs need: the store, sealing, signing, encryption and messages. */
export const caseWriteDependencies = (
  settings: Config,
  client: DynamoDBClient = dynamodbClient(settings),
) => {
  const { registry, inbox } = storeDependencies(settings, client)
  const signer = exchangeSigner(settings)
  const sealing = documentDependencies(settings, client).sealing(signer)
  const writes: CaseWriteDeps = {
    ...registry,
    cases: dynamodbCaseReader(client, settings.STATE_TABLE),
    vault: personalDataVault(settings),
    signer,
    exchangeId: settings.EXCHANGE_ID,
    seal: (input) => sealPackage(sealing, input),
    enqueue: (messages) => enqueue(inbox, messages),
  }
  const submit: SubmitCaseDeps = {
    ...writes,
    agreementsOf: (participant) => agreementsOf(registry, participant),
  }
  const transition: TransitionDeps = { ...writes, calendar: calendars() }
  return { submit, transition }
}

let built: ReturnType<typeof caseWriteDependencies> | undefined

/** This process's case writes, built once per cold start. */
export const caseWrites = () => {
  built ??= caseWriteDependencies(config())
  return built
}
