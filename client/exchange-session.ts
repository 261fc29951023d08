import { createHash } from 'node:crypto'
import { importJWK, SignJWT } from 'jose'
import { type ParticipantKey, requestToken } from './request-token.js'

/** A problem+json answer of the exchange, as a typed error carrying its stable code. */
export class ExchangeProblem extends Error {
  readonly status: number
  readonly code: string
  readonly body: Record<string, unknown>
  constructor(status: number, body: Record<string, unknown>) {
    super(`${status} ${String(body.code)}: ${String(body.detail)}`)
    this.name = 'ExchangeProblem'
    this.status = status
    this.code = String(body.code)
    this.body = body
  }
}

/** A file a partner hands over: its name, media type and bytes. */
export type LocalDocument = { name: string; contentType: string; bytes: Uint8Array; material?: string }

/** What a manifest lists of one uploaded document. */
export type ManifestEntry = {
  documentId: string
  name: string
  contentType: string
  size: number
  sha256: string
  material?: string
}

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/**
 * One participant's session with an exchange: every call signed with a fresh request token,
 * documents uploaded through the presigned URLs the exchange hands out, manifests signed with the
 * participant's key. Answers are parsed JSON; refusals throw `ExchangeProblem`.
 */
export const exchangeSession = (
  baseUrl: string,
  audience: string,
  key: ParticipantKey,
  sub = 'exchange-client',
) => {
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

  /** Announces documents, PUTs their bytes to the presigned URLs, and returns their manifest entries. */
  const upload = async (documents: readonly LocalDocument[]): Promise<ManifestEntry[]> => {
    const declared = documents.map((document) => ({
      name: document.name,
      contentType: document.contentType,
      size: document.bytes.length,
      sha256: sha256Hex(document.bytes),
    }))
    const { body } = await send<{
      uploads: { documentId: string; url: string; headers: Record<string, string> }[]
    }>('POST', '/v1/uploads', { files: declared })
    await Promise.all(
      body.uploads.map(async (slot, index) => {
        const document = documents[index]
        if (document === undefined) throw new Error('the exchange answered more upload slots than files')
        const response = await fetch(slot.url, { method: 'PUT', headers: slot.headers, body: document.bytes })
        if (!response.ok) throw new Error(`uploading ${document.name} answered ${response.status}`)
      }),
    )
    return body.uploads.map((slot, index) => ({
      documentId: slot.documentId,
      ...(declared[index] as (typeof declared)[number]),
      ...(documents[index]?.material === undefined ? {} : { material: documents[index]?.material as string }),
    }))
  }

  /** Signs a manifest (`exchange-manifest+jwt`) over uploaded documents with the participant's key. */
  const manifest = async (purpose: 'application' | 'supplement' | 'result', documents: ManifestEntry[]) => {
    const alg = key.jwk.kty === 'OKP' ? 'EdDSA' : 'ES256'
    return new SignJWT({ purpose, documents })
      .setProtectedHeader({ alg, kid: key.jwk.kid ?? '', typ: 'exchange-manifest+jwt' })
      .setIssuer(key.participant)
      .setIssuedAt()
      .sign(await importJWK(key.jwk, alg))
  }

  return { send, upload, manifest }
}

export type ExchangeSession = ReturnType<typeof exchangeSession>
