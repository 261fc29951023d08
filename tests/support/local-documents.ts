import { type DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb'
import { importJWK, type JWK, SignJWT } from 'jose'
import { parseConfig } from '#functions/config.js'
import { documentDependencies } from '#functions/dependencies/documents.js'
import { exchangeSigner } from '#functions/dependencies/signer.js'
import { dynamodbClient } from '#functions/dependencies/stores.js'
import type { Participant } from '#shared/registry/participant.js'
import { type Caller, call, exchange } from './exchange-client.js'

/** The configuration the local stack's handlers run with, for building the same stores in a test. */
export const localSettings = parseConfig(exchange.env)

/** A DynamoDB client on the local stack's DynamoDB Local. */
export const localDynamodb: DynamoDBClient = dynamodbClient(localSettings)

/** The document dependencies the handlers use, over the local stack's stores, and its signer. */
export const localDocuments = () => {
  const built = documentDependencies(localSettings, localDynamodb)
  return { ...built, sealDeps: built.sealing(exchangeSigner(localSettings)) }
}

/** A file as a test uploads it: its bytes and what is declared of them. */
export type UploadFile = { name: string; contentType: string; bytes: Buffer }

/** A document as a manifest lists it. */
export type ManifestEntry = {
  documentId: string
  name: string
  contentType: string
  size: number
  sha256: string
}

/** What `POST /v1/uploads` answered for one file. */
// biome-ignore lint/suspicious/noExplicitAny: answers are asserted on as plain JSON.
export type Slot = any

/** PUTs bytes to a presigned upload URL exactly as a partner's client would, with plain fetch. */
export const putBytes = (slot: Slot, bytes: Buffer) =>
  fetch(slot.url, { method: slot.method, headers: slot.headers, body: bytes })

/** The participant as registered, read through the API. */
export const participantOf = async (caller: Caller): Promise<Participant> =>
  (await call('GET', `/v1/participants/${caller.id}`, { as: caller })).body as Participant

/** Signs a manifest with the caller's registered key. */
export const signManifestAs = async (
  caller: Caller,
  purpose: string,
  documents: ManifestEntry[],
  claims: Record<string, unknown> = {},
  key: JWK = caller.jwk,
) => {
  const alg = key.alg ?? 'ES256'
  return new SignJWT({ iss: caller.id, iat: Math.floor(Date.now() / 1000), purpose, documents, ...claims })
    .setProtectedHeader({ alg, kid: key.kid ?? '', typ: 'exchange-manifest+jwt' })
    .sign(await importJWK(key, alg))
}

/** The stored events of one audit chain, in order. */
// biome-ignore lint/suspicious/noExplicitAny: events are read back as plain JSON and asserted on.
export const chainEvents = async (chain: string): Promise<any[]> => {
  const { Items = [] } = await localDynamodb.send(
    new QueryCommand({
      TableName: localSettings.AUDIT_TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
      ExpressionAttributeValues: { ':pk': { S: `chain#${chain}` }, ':events': { S: 'event#' } },
      ConsistentRead: true,
    }),
  )
  return Items.map((item) => JSON.parse(item.doc?.S ?? '{}'))
}

/** The raw state-table item under a key, or undefined. */
export const stateItem = async (Key: Record<string, { S: string }>) =>
  (
    await localDynamodb.send(
      new GetItemCommand({ TableName: localSettings.STATE_TABLE, Key, ConsistentRead: true }),
    )
  ).Item
