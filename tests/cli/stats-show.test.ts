import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { beijingDate } from '#shared/clock/deadline.js'
import { submitCase, transition } from '../support/case-flows.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { handoffSetting, scan } from '../support/handoff-fixtures.js'
import { foldUntilCounted, statisticsQueueOf } from '../support/statistics-flows.js'
import { exchangeInProcess, exchangeProcess } from './run-exchange.js'

type Setting = Awaited<ReturnType<typeof handoffSetting>>

describe('exchange stats show', () => {
  let scratch: string
  let setting: Setting
  let home: string
  let days: string[]
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-stats')
    setting = await handoffSetting()
    const [session] = setting.homeSessions
    home = setting.homes[0]?.id ?? ''
    if (session === undefined) throw new Error('no home')
    const { caseId } = await submitCase(setting)
    await transition(session, caseId, home, { action: 'accept', expectedVersion: 1 })
    const result = await session.manifest('result', await session.upload([scan('decision.pdf')]))
    await transition(session, caseId, home, { action: 'approve', expectedVersion: 2, manifest: result })
    await foldUntilCounted(caseId)
    days = (await statisticsQueueOf(caseId)).map((event) => beijingDate(event.at)).sort()
  }, 180_000)
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  const range = () => ['--from', days[0] ?? '', '--to', days.at(-1) ?? '']

  it('prints a party its own legs per pair as a table: counts, on-time rate and median days', async () => {
    const env = await partnerEnv(setting.accepting, scratch)
    const run = await exchangeInProcess(['stats', 'show', ...range(), '--group-by', 'pair'], env)
    expect(run.code).toBe(0)
    const [title, header, ...rows] = run.stdout.trimEnd().split('\n')
    expect(title).toBe(`${days[0]} to ${days.at(-1)} by pair, the legs you are a party to`)
    expect(header?.trim().split(/ {2,}/)).toEqual([
      'pair',
      'submitted',
      'accepted',
      'approved',
      'rejected',
      'withdrawn',
      'delivered',
      'overdue',
      'on time',
      'median days',
    ])
    expect(rows.map((row) => row.split(/ {2,}/))).toEqual([
      [
        `${setting.accepting.id}→${home}`,
        '1',
        '1',
        '1',
        '0',
        '0',
        '0',
        '0',
        '100%',
        expect.stringMatching(/^\d/),
      ],
    ])
  })

  it('prints the statistics as the exchange answers them with --json', async () => {
    const env = await partnerEnv(setting.homes[0] ?? setting.accepting, scratch)
    const run = await exchangeInProcess(['stats', 'show', ...range(), '--json'], env)
    expect(JSON.parse(run.stdout)).toMatchObject({
      from: days[0],
      groupBy: 'home',
      scope: 'own',
      groups: [{ group: home, submitted: 1, approved: 1, decided: 1, decidedOnTime: 1, onTimeRate: 1 }],
    })
  })

  it('says so when no legs were counted in the range', async () => {
    const env = await partnerEnv(setting.accepting, scratch)
    const run = await exchangeInProcess(['stats', 'show', '--from', '2021-01-01', '--to', '2021-01-31'], env)
    expect(run.stdout).toBe(
      '2021-01-01 to 2021-01-31 by home, the legs you are a party to\nno legs counted in this range\n',
    )
  })

  it('ends a grouping the exchange does not know with validation-failed: one line, exit 1', async () => {
    const run = await exchangeProcess(['stats', 'show', '--group-by', 'district'], {
      env: await partnerEnv(setting.accepting, scratch),
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toEqual([
      expect.stringMatching(/^exchange: 422 validation-failed: .*\(\/query\/groupBy: /),
    ])
  })
})
