import type { ManifestDocument, Purpose } from '#shared/packages/manifest.js'
import { ExchangeProblem } from './client-errors.js'
import { documentFromBytes } from './document-transfer.js'
import { connectExchange, type ExchangeClient } from './exchange-client.js'
import { type ParticipantKey, requestToken } from './request-token.js'

/** A file held in memory: its name, media type and bytes. */
export type LocalDocument = { name: string; contentType: string; bytes: Uint8Array; material?: string }

/**
 * A raw session with an exchange, for callers that speak the contract's paths themselves (the
 * demo, the benchmarks, tests probing refusals): `send` signs and sends any request and answers the
 * parsed JSON, refusals thrown as `ExchangeProblem`. Documents and manifests go through the typed
 * client (`connectExchange`), connected on first use.
 */
export const exchangeSession = (
  baseUrl: string,
  audience: string,
  key: ParticipantKey,
  sub = 'exchange-client',
) => {
  let connected: Promise<ExchangeClient> | undefined
  const client = () => {
    connected ??= connectExchange({ baseUrl, key, sub, exchangeId: audience })
    return connected
  }

  const send = async <T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await requestToken(key, audience, { sub })}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const parsed = (await response.json()) as T & Record<string, unknown>
    if (!response.ok) throw new ExchangeProblem(response.status, parsed)
    return { status: response.status, body: parsed }
  }

  /** Uploads documents held in memory; answers their manifest entries. */
  const upload = async (documents: readonly LocalDocument[]): Promise<ManifestDocument[]> =>
    (await client()).uploadDocuments(documents.map(documentFromBytes))

  /** Signs a manifest over uploaded documents with the participant's key. */
  const manifest = async (purpose: Purpose, documents: readonly ManifestDocument[]) =>
    (await client()).signManifest(purpose, documents)

  return { send, upload, manifest }
}

export type ExchangeSession = ReturnType<typeof exchangeSession>
