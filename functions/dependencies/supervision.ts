import type { CalendarDeps } from '#shared/clock/read-calendar.js'
import type { FoldDeps } from '#shared/stats/fold-statistics.js'
import type { SupervisionDeps } from '#shared/stats/list-supervised-legs.js'
import { chineseDaysCalendar } from '../adapters/chinese-days-calendar.js'
import { dynamodbCaseHistory } from '../adapters/dynamodb-case-history.js'
import { dynamodbCaseReader } from '../adapters/dynamodb-case-reader.js'
import { dynamodbRecordReader } from '../adapters/dynamodb-record-reader.js'
import { dynamodbStatisticsLedger } from '../adapters/dynamodb-statistics-ledger.js'
import { dynamodbSupervisionIndex } from '../adapters/dynamodb-supervision-index.js'
import { type Config, config } from '../config.js'
import { dynamodbClient } from './stores.js'

/**
 * What supervision (电子监察) needs, built from one configuration on one DynamoDB client: the
 * statistics job (it folds events into daily buckets) and the list of legs near or past their
 * deadline. Both count working days, so both carry the calendars.
 */
export const supervisionDependencies = (settings: Config, client = dynamodbClient(settings)) => {
  const clock = () => new Date()
  const calendar: CalendarDeps = {
    records: dynamodbRecordReader(client, settings.STATE_TABLE),
    builtIn: chineseDaysCalendar(),
  }
  const fold: FoldDeps = {
    ledger: dynamodbStatisticsLedger(client, { state: settings.STATE_TABLE, audit: settings.AUDIT_TABLE }),
    history: dynamodbCaseHistory(client, settings.AUDIT_TABLE),
    calendar,
    clock,
  }
  const legs: SupervisionDeps = {
    index: dynamodbSupervisionIndex(client, settings.STATE_TABLE),
    cases: dynamodbCaseReader(client, settings.STATE_TABLE),
    calendar,
    clock,
  }
  return { fold, legs }
}

let built: ReturnType<typeof supervisionDependencies> | undefined

/** This process's supervision dependencies, built once per cold start. */
export const supervision = () => {
  built ??= supervisionDependencies(config())
  return built
}
