import type { CaseReadDeps } from '#shared/cases/case-view.js'
import { type Config, config } from '../config.js'
import { caseReadDependencies } from './case-reads.js'
import { caseWriteDependencies } from './case-writes.js'
import { deadlineSweepDependencies } from './deadline-sweep.js'
import { dynamodbClient } from './stores.js'
import { personalDataVault } from './vault.js'

/**
 * Every case use case's dependencies on one client, for code that runs several of them in one
 * process (tests, benchmarks). Functions import the narrower modules, so that a function reading
 * cases never loads S3, KMS or signing.
 */
export const caseDependencies = (settings: Config) => {
  const client = dynamodbClient(settings)
  const read: CaseReadDeps = { ...caseReadDependencies(settings, client), vault: personalDataVault(settings) }
  return {
    ...caseWriteDependencies(settings, client),
    read,
    supervise: deadlineSweepDependencies(settings, client),
  }
}

let built: CaseReadDeps | undefined

/** This process's reads of whole cases, personal data included (decrypting needs the key service). */
export const caseViews = () => {
  built ??= { ...caseReadDependencies(config()), vault: personalDataVault(config()) }
  return built
}
