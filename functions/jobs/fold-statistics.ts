import { foldStatistics } from '#shared/stats/fold-statistics.js'
import { supervision } from '../dependencies/supervision.js'
import { log } from '../logger.js'

const { fold } = supervision()

/** Folds a page at a time for six seconds at most: the function has ten, and runs again in a minute. */
export const handler = async () => {
  const report = await foldStatistics(fold, { pageSize: 100, budgetMs: 6000 })
  log('info', 'statistics folded', report)
  return report
}
