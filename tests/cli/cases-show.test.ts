import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { partnerEnv, scratchFolder, submittedCase } from '../support/cli-partners.js'
import { registerParticipant } from '../support/exchange-client.js'
import { handoffSetting } from '../support/handoff-fixtures.js'
import { exchangeInProcess as exchange } from './run-exchange.js'

describe('exchange cases show', () => {
  let scratch: string
  let setting: Awaited<ReturnType<typeof handoffSetting>>
  let caseId: string
  beforeAll(async () => {
    setting = await handoffSetting()
    scratch = await scratchFolder('exchange-cases-show')
    caseId = (await submittedCase(setting)).caseId
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('shows a case with its legs to a party', async () => {
    const run = await exchange(['cases', 'show', caseId], await partnerEnv(setting.accepting, scratch))
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(caseId)
    expect(run.stdout).toContain(`proxy case from ${setting.accepting.id}`)
    const json = await exchange(
      ['cases', 'show', caseId, '--json'],
      await partnerEnv(setting.accepting, scratch),
    )
    expect(JSON.parse(json.stdout)).toMatchObject({ caseId, legs: [{ status: 'submitted', version: 1 }] })
  })

  it('answers a stranger not-found, exit status 1, with the code for scripts', async () => {
    const stranger = await partnerEnv(await registerParticipant(['accepting']), scratch)
    const run = await exchange(['cases', 'show', caseId, '--json'], stranger)
    expect(run.code).toBe(1)
    expect(run.stderr).toEqual([expect.stringMatching(/^exchange: 404 not-found: /)])
    expect(JSON.parse(run.stdout).error.code).toBe('not-found')
  })
})
