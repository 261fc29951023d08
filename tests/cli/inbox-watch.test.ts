import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../cli/command.js'
import { partnerEnv, scratchFolder, submittedCase } from '../support/cli-partners.js'
import type { Caller } from '../support/exchange-client.js'
import { handoffSetting } from '../support/handoff-fixtures.js'
import { exchangeInProcess as exchange } from './run-exchange.js'

describe('exchange inbox watch', () => {
  let scratch: string
  let setting: Awaited<ReturnType<typeof handoffSetting>>
  let home: Env
  beforeAll(async () => {
    setting = await handoffSetting()
    scratch = await scratchFolder('exchange-inbox-watch')
    home = await partnerEnv(setting.homes[0] as Caller, scratch)
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  it('waits for messages and prints each as one JSON line as it arrives, acking it', async () => {
    const watching = exchange(['inbox', 'watch', '--count', '2', '--interval', '1', '--ack', '--json'], home)
    const first = await submittedCase(setting)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const second = await submittedCase(setting)
    const run = await watching
    expect(run.code).toBe(0)
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines.map((message) => [message.type, message.caseId])).toEqual([
      ['case.submitted', first.caseId],
      ['case.submitted', second.caseId],
    ])
    expect((await exchange(['inbox', 'pull'], home)).stdout).toBe('no messages waiting\n')
  })

  it('prints one line per message for people and the tally at the end', async () => {
    const { caseId } = await submittedCase(setting)
    const run = await exchange(['inbox', 'watch', '--count', '1'], home)
    expect(run.stdout).toMatch(
      new RegExp(`  case\\.submitted  ${caseId}  .*  v1  lease \\S+\\n1 message, 0 acked\\n$`),
    )
    expect(run.stderr).toEqual([expect.stringMatching(/^watching the inbox of /)])
  })
})
