import type { StatsDeps } from '#shared/stats/read-statistics.js'
import { dynamodbStatisticsReader } from '../adapters/dynamodb-statistics-reader.js'
import { type Config, config } from '../config.js'
import { dynamodbClient } from './stores.js'

/** What `GET /v1/stats` reads: the daily buckets. It counts no days, so it carries no calendars. */
export const statisticsDependencies = (settings: Config, client = dynamodbClient(settings)): StatsDeps => ({
  statistics: dynamodbStatisticsReader(client, settings.STATE_TABLE),
  clock: () => new Date(),
})

let built: StatsDeps | undefined

/** This process's statistics reading, built once per cold start. */
export const statistics = () => {
  built ??= statisticsDependencies(config())
  return built
}
