import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../cli/command.js'
import { submitCase } from '../support/case-flows.js'
import { partnerEnv, scratchFolder } from '../support/cli-partners.js'
import { call, registerParticipant } from '../support/exchange-client.js'
import { handoffSetting } from '../support/handoff-fixtures.js'
import { exchangeInProcess, exchangeProcess } from './run-exchange.js'

type Setting = Awaited<ReturnType<typeof handoffSetting>>

const dayMs = 86_400_000
const daysAgo = (days: number) => new Date(Date.now() - days * dayMs).toISOString()

describe('exchange audit events', () => {
  let scratch: string
  let setting: Setting
  let caseId: string
  let windowEnv: Env
  let auditorEnv: Env
  beforeAll(async () => {
    scratch = await scratchFolder('exchange-audit-events')
    setting = await handoffSetting()
    caseId = (await submitCase(setting)).caseId
    windowEnv = await partnerEnv(setting.accepting, scratch)
    auditorEnv = await partnerEnv(await registerParticipant(['auditor']), scratch)
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it("prints a case's events as a table for its party, as the exchange lists them", async () => {
    const run = await exchangeProcess(['audit', 'events', '--case', caseId], { env: windowEnv })
    expect(run.code).toBe(0)
    const [header, ...rows] = run.stdout.trimEnd().split('\n')
    expect(header?.trim().split(/ {2,}/)).toEqual(['at', 'actor', 'action', 'case', 'home', 'from→to'])
    const api = await call('GET', `/v1/audit/events?caseId=${caseId}`, { as: setting.accepting })
    const submitted = api.body.events.find((event: { action: string }) => event.action === 'case.submitted')
    expect(rows.map((row) => row.split(/ {2,}/)[2])).toEqual(
      api.body.events.map((event: { action: string }) => event.action),
    )
    expect(
      rows.some((row) =>
        row.startsWith(`${submitted.at}  ${setting.accepting.id}  case.submitted  ${caseId}`),
      ),
    ).toBe(true)
  })

  it('stops at --limit with the cursor to go on, and says more events match', async () => {
    const json = await exchangeInProcess(
      ['audit', 'events', '--case', caseId, '--limit', '1', '--json'],
      windowEnv,
    )
    expect(json.code).toBe(0)
    const page = JSON.parse(json.stdout)
    expect(page.events).toHaveLength(1)
    expect(page.nextCursor).toEqual(expect.any(String))
    const text = await exchangeInProcess(['audit', 'events', '--case', caseId, '--limit', '1'], windowEnv)
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(
      'more events match: raise --limit (1) or narrow the query',
    )
  })

  it('follows pages the exchange leaves short until the query is exhausted', async () => {
    // A range alone is read a day at a time, at most 32 days a request: 40 empty days take two.
    const empty = await exchangeInProcess(
      ['audit', 'events', '--from', daysAgo(80), '--to', daysAgo(40), '--json'],
      auditorEnv,
    )
    expect(JSON.parse(empty.stdout)).toEqual({ events: [] })
    const recent = await exchangeInProcess(
      ['audit', 'events', '--from', daysAgo(40), '--limit', '3', '--json'],
      auditorEnv,
    )
    const { events } = JSON.parse(recent.stdout)
    expect(events).toHaveLength(3)
    expect(events[0].at >= daysAgo(1)).toBe(true)
  })

  it('filters by actor and action', async () => {
    const run = await exchangeInProcess(
      ['audit', 'events', '--actor', setting.accepting.id, '--action', 'case.submitted', '--json'],
      auditorEnv,
    )
    expect(JSON.parse(run.stdout).events.map((event: { caseId: string }) => event.caseId)).toEqual([caseId])
  })

  it('ends a case the caller is not party to with not-found: one line, exit 1', async () => {
    const stranger = await registerParticipant(['accepting'])
    const run = await exchangeProcess(['audit', 'events', '--case', caseId], {
      env: await partnerEnv(stranger, scratch),
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: 404 not-found: /)])
  })

  it('exits 2 for a limit that is not a whole number of 1 or more', async () => {
    for (const limit of ['0', '-1', '1.5', 'many']) {
      const run = await exchangeInProcess(['audit', 'events', `--limit=${limit}`, '--json'], auditorEnv)
      expect(run.code).toBe(2)
      expect(JSON.parse(run.stdout).error.code).toBe('bad-limit')
    }
  })
})
