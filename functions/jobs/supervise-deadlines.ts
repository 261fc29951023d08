import { superviseDeadlines } from '#shared/cases/supervise-deadlines.js'
import { cases } from '../dependencies/cases.js'
import { log } from '../logger.js'

const { supervise } = cases()

export const handler = async () => {
  const raised = await superviseDeadlines(supervise)
  log('info', 'supervision sweep', raised)
  return raised
}
