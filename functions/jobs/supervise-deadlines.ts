import { superviseDeadlines } from '#shared/cases/supervise-deadlines.js'
import { deadlineSweep } from '../dependencies/deadline-sweep.js'
import { log } from '../logger.js'

const supervise = deadlineSweep()

export const handler = async () => {
  const raised = await superviseDeadlines(supervise)
  log('info', 'supervision sweep', raised)
  return raised
}
