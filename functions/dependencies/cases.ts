import type { CaseReadDeps } from '#shared/cases/case-view.js'
import type { SubmitCaseDeps } from '#shared/cases/submit-case.js'
import type { SuperviseDeps } from '#shared/cases/supervise-deadlines.js'
import type { TransitionDeps } from '#shared/cases/transition-leg.js'
import { enqueue } from '#shared/inbox/enqueue.js'
import { sealPackage } from '#shared/packages/seal-package.js'
import { agreementsOf } from '#shared/registry/register-agreement.js'
import { dynamodbCaseReader } from '../adapters/dynamodb-case-reader.js'
import { dynamodbDeadlineIndex } from '../adapters/dynamodb-deadline-index.js'
import { type Config, config } from '../config.js'
import { calendars } from './calendars.js'
import { documentDependencies } from './documents.js'
import { exchangeSigner } from './signer.js'
import { dynamodbClient, storeDependencies } from './stores.js'
import { personalDataVault } from './vault.js'

/** Everything the case use cases need, built from one configuration on one DynamoDB client. */
export const caseDependencies = (settings: Config) => {
  const client = dynamodbClient(settings)
  const { registry, inbox } = storeDependencies(settings, client)
  const signer = exchangeSigner(settings)
  const sealing = documentDependencies(settings, client).sealing(signer)
  const cases = dynamodbCaseReader(client, settings.STATE_TABLE)
  const vault = personalDataVault(settings)
  const writes = {
    ...registry,
    cases,
    vault,
    signer,
    exchangeId: settings.EXCHANGE_ID,
    seal: (input) => sealPackage(sealing, input),
    enqueue: (messages) => enqueue(inbox, messages),
  } satisfies Omit<SubmitCaseDeps, 'agreementsOf'>
  const submit: SubmitCaseDeps = {
    ...writes,
    agreementsOf: (participant) => agreementsOf(registry, participant),
  }
  const transition: TransitionDeps = { ...writes, calendar: calendars() }
  const read: CaseReadDeps = { cases, vault, calendar: calendars(), clock: registry.clock }
  const supervise: SuperviseDeps = {
    ...registry,
    cases,
    deadlines: dynamodbDeadlineIndex(client, settings.STATE_TABLE),
    calendar: calendars(),
    enqueue: writes.enqueue,
  }
  return { submit, transition, read, supervise }
}

let built: ReturnType<typeof caseDependencies> | undefined

/** This process's case dependencies, built once per cold start. */
export const cases = () => {
  built ??= caseDependencies(config())
  return built
}
