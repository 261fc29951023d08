import { describe, expect, it } from 'vitest'
import { statisticsDependencies } from '#functions/dependencies/statistics.js'
import { beijingDate } from '#shared/clock/deadline.js'
import { foldStatistics } from '#shared/stats/fold-statistics.js'
import { readStatistics, StatsQuery } from '#shared/stats/read-statistics.js'
import { submitCase, transition } from '../../support/case-flows.js'
import { handoffSetting, scan } from '../../support/handoff-fixtures.js'
import { localSettings } from '../../support/local-documents.js'
import { foldUntilCounted, localFold, statisticsQueueOf } from '../../support/statistics-flows.js'

const fold = localFold()
const reading = statisticsDependencies(localSettings)

describe('the statistics job on DynamoDB', () => {
  it('counts each event of a case exactly once while two runs fold at the same time', async () => {
    const setting = await handoffSetting(2)
    const [homeA, homeB] = setting.homes.map((home) => home.id)
    const [sessionA, sessionB] = setting.homeSessions
    if (homeA === undefined || homeB === undefined || sessionA === undefined || sessionB === undefined)
      throw new Error('no homes')
    const { caseId } = await submitCase(setting)
    await transition(sessionA, caseId, homeA, { action: 'accept', expectedVersion: 1 })
    await transition(sessionB, caseId, homeB, { action: 'accept', expectedVersion: 1 })
    const result = await sessionA.manifest('result', await sessionA.upload([scan('decision.pdf')]))
    await transition(sessionA, caseId, homeA, { action: 'approve', expectedVersion: 2, manifest: result })
    await transition(sessionB, caseId, homeB, {
      action: 'reject',
      expectedVersion: 2,
      reason: 'out of remit',
    })

    const reports = await foldUntilCounted(caseId)
    expect(reports.every((report) => report.unattributed === 0)).toBe(true)
    // Once more, both at once: nothing of the case is counted again.
    await Promise.all([foldStatistics(fold), foldStatistics(fold)])

    const days = (await statisticsQueueOf(caseId)).map((event) => beijingDate(event.at)).sort()
    const stats = await readStatistics(reading, {
      query: StatsQuery.parse({ from: days[0], to: days.at(-1), groupBy: 'pair' }),
      caller: { participant: setting.accepting.id, sub: 'test', roles: ['accepting'] },
    })
    const counted = {
      accepted: 1,
      withdrawn: 0,
      delivered: 0,
      overdue: 0,
      decided: 1,
      decidedOnTime: 1,
      onTimeRate: 1,
      // Accepted and decided on one Beijing day, unless the test ran across midnight there.
      medianWorkingDaysToDecision: days[0] === days.at(-1) ? 0 : expect.any(Number),
    }
    expect(stats.groups).toEqual(
      [
        {
          group: `${setting.accepting.id}→${homeA}`,
          accepting: setting.accepting.id,
          home: homeA,
          submitted: 1,
          approved: 1,
          rejected: 0,
          ...counted,
        },
        {
          group: `${setting.accepting.id}→${homeB}`,
          accepting: setting.accepting.id,
          home: homeB,
          submitted: 1,
          approved: 0,
          rejected: 1,
          ...counted,
        },
      ].sort((a, b) => (a.group < b.group ? -1 : 1)),
    )
  }, 180_000)
})
