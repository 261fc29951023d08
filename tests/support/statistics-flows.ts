import { QueryCommand } from '@aws-sdk/client-dynamodb'
import { supervisionDependencies } from '#functions/dependencies/supervision.js'
import { type FoldReport, foldStatistics } from '#shared/stats/fold-statistics.js'
import { localDynamodb, localSettings } from './local-documents.js'

/** The statistics job's dependencies over the local stack's stores, as its handler builds them. */
export const localFold = () => supervisionDependencies(localSettings).fold

/** A case's audit events as stored: when each happened, and whether it still waits to be counted. */
export const statisticsQueueOf = async (caseId: string) => {
  const { Items = [] } = await localDynamodb.send(
    new QueryCommand({
      TableName: localSettings.AUDIT_TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
      ExpressionAttributeValues: { ':pk': { S: `chain#case#${caseId}` }, ':events': { S: 'event#' } },
      ConsistentRead: true,
    }),
  )
  return Items.map((item) => ({
    at: (JSON.parse(item.doc?.S ?? '{}') as { at: string }).at,
    queued: item.unfolded !== undefined,
  }))
}

/**
 * Plays the statistics job's timer until a case's events are counted: runs it twice at once, again
 * and again, since the queue holds every other test's events too, oldest first.
 */
export const foldUntilCounted = async (caseId: string, timeoutMs = 120_000): Promise<FoldReport[]> => {
  const fold = localFold()
  const reports: FoldReport[] = []
  const deadline = Date.now() + timeoutMs
  while ((await statisticsQueueOf(caseId)).some((event) => event.queued)) {
    if (Date.now() > deadline) throw new Error(`the events of ${caseId} were not counted in time`)
    reports.push(...(await Promise.all([foldStatistics(fold), foldStatistics(fold)])))
  }
  return reports
}
