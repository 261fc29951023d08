import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb'
import type { CaseListing, CaseReader, StoredCase, StoredLeg } from '#shared/cases/stored-case.js'
import { casePartition, keys, partyKey } from './dynamodb-keys.js'

const parse = <T>(item: Record<string, AttributeValue>) => JSON.parse(item.doc?.S ?? 'null') as T

/**
 * Reads cases from the state table: a case, its legs and packages share one partition, so one
 * strongly consistent Query reads a whole case; a participant's cases come from the by-party index.
 */
export const dynamodbCaseReader = (client: DynamoDBClient, tableName: string): CaseReader => ({
  async load(caseId) {
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk <= :last',
        // `case` sorts before `leg#...`; packages (`package#...`) are read by their own adapter.
        ExpressionAttributeValues: { ':pk': { S: casePartition(caseId) }, ':last': { S: 'leg#\uffff' } },
        ConsistentRead: true,
      }),
    )
    const caseItem = Items.find((item) => item.sk?.S === 'case')
    if (caseItem === undefined) return undefined
    return {
      case: parse<StoredCase>(caseItem),
      legs: Items.filter((item) => item.sk?.S?.startsWith('leg#')).map((item) => parse<StoredLeg>(item)),
    }
  },

  async reference(participant, acceptingRef) {
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: keys.reference(participant, acceptingRef),
        ConsistentRead: true,
      }),
    )
    if (Item?.caseId?.S === undefined || Item.fingerprint?.S === undefined) return undefined
    return { caseId: Item.caseId.S, fingerprint: Item.fingerprint.S }
  },

  async listByParty(role, participant, page): Promise<CaseListing> {
    const { Items = [], LastEvaluatedKey } = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'by-party',
        KeyConditionExpression: 'party = :party',
        ExpressionAttributeValues: { ':party': { S: partyKey(role, participant) } },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(page.after === undefined
          ? {}
          : {
              ExclusiveStartKey: {
                party: { S: partyKey(role, participant) },
                partySort: { S: page.after.partySort },
                pk: { S: page.after.pk },
                sk: { S: page.after.sk },
              },
            }),
      }),
    )
    const last = LastEvaluatedKey
    return {
      caseIds: Items.flatMap((item) => {
        const pk = item.pk?.S
        return pk === undefined ? [] : [pk.slice('case#'.length)]
      }),
      ...(last?.partySort?.S === undefined || last.pk?.S === undefined || last.sk?.S === undefined
        ? {}
        : { next: { partySort: last.partySort.S, pk: last.pk.S, sk: last.sk.S } }),
    }
  },
})
