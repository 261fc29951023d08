import { QueryCommand } from '@aws-sdk/client-dynamodb'
import { ExchangeProblem } from '../../client/client-errors.js'
import type { ExchangeSession } from '../../client/exchange-session.js'
import type { handoffSetting } from './handoff-fixtures.js'
import { submission } from './handoff-fixtures.js'
import { chainEvents, localDynamodb, localSettings } from './local-documents.js'

/** A handoff setting as `handoffSetting` builds it. */
export type Setting = Awaited<ReturnType<typeof handoffSetting>>

/** A leg as `GET /v1/cases/{caseId}` and transitions show it. */
export type Leg = {
  home: string
  status: string
  version: number
  deadline?: string
  overdue: boolean
  warning: boolean
  notice?: string
  missing?: string[]
  packageIds: string[]
}

/** The refusal a session call ended in; fails the test if it succeeded or failed otherwise. */
export const refusal = async (promise: Promise<unknown>): Promise<ExchangeProblem> => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  if (!(error instanceof ExchangeProblem)) throw new Error(`expected a refusal, got ${String(error)}`)
  return error
}

/** The `errors[].path` of a refusal. */
export const pathsOf = (problem: ExchangeProblem): string[] =>
  ((problem.body.errors ?? []) as { path: string }[]).map((error) => error.path)

/** Submits a fresh case of the setting over HTTP; answers the body sent and the answer. */
export const submitCase = async (setting: Setting, overrides: Record<string, unknown> = {}) => {
  const body = await submission(setting, overrides)
  const answer = await setting.window.send<{
    caseId: string
    acceptingRef: string
    legs: { home: string; status: string; version: number }[]
    receipt: string
  }>('POST', '/v1/cases', body)
  return { body, status: answer.status, ...answer.body }
}

/** Posts a transition of one leg as `session`. */
export const transition = (
  session: ExchangeSession,
  caseId: string,
  home: string,
  request: Record<string, unknown>,
) =>
  session.send<{ caseId: string; home: string; action: string; leg: Leg; packageId?: string }>(
    'POST',
    `/v1/cases/${caseId}/legs/${home}/transitions`,
    request,
  )

/** One leg of a case as `session` reads it. */
export const legOf = async (session: ExchangeSession, caseId: string, home: string): Promise<Leg> => {
  const { body } = await session.send<{ legs: Leg[] }>('GET', `/v1/cases/${caseId}`)
  const leg = body.legs.find((candidate) => candidate.home === home)
  if (leg === undefined) throw new Error(`case ${caseId} has no leg of ${home}`)
  return leg
}

/** The audit events of a case, as stored. */
export const caseEvents = (caseId: string) => chainEvents(`case#${caseId}`)

/** Every message of a case in a recipient's inbox table, as stored (acked ones are gone). */
export const inboxItems = async (recipient: string, caseId: string) => {
  const { Items = [] } = await localDynamodb.send(
    new QueryCommand({
      TableName: localSettings.INBOX_TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :case)',
      ExpressionAttributeValues: { ':pk': { S: recipient }, ':case': { S: `case#${caseId}#` } },
      ConsistentRead: true,
    }),
  )
  return Items.map((item) => ({
    raw: JSON.stringify(item),
    // biome-ignore lint/suspicious/noExplicitAny: stored messages are asserted on as plain JSON.
    message: JSON.parse(item.doc?.S ?? '{}') as any,
  }))
}

/** Every item of a case's partition in the state table (case, legs, packages), as stored. */
export const caseItems = async (caseId: string) => {
  const { Items = [] } = await localDynamodb.send(
    new QueryCommand({
      TableName: localSettings.STATE_TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: `case#${caseId}` } },
      ConsistentRead: true,
    }),
  )
  return Items
}
