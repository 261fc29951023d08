import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose'
import { type ExchangeSession, exchangeSession, type LocalDocument } from '../../client/exchange-session.js'
import type { ParticipantKey } from '../../client/request-token.js'
import type { LegView } from '../../shared/cases/case-view.js'
import type { InboxMessage, MessageType } from '../../shared/inbox/inbox-message.js'
import type { ManifestDocument } from '../../shared/packages/manifest.js'
import { type Narrator, readableDeadline } from './narrator.js'

/** A participant the demo acts as, with its own private key. */
export type Actor = { id: string; session: ExchangeSession }

/** One leg of a case as the exchange answers it. */
export type Leg = LegView

/** A message the demo waits for: its type, and for joint cases the home whose leg it is about. */
export type Expected = MessageType | { type: MessageType; home: string }

/** Where the demo plays: the exchange, the participants' keys, the narrator and the waiting limits. */
export type StageSettings = {
  url: string
  /** The exchange's id (`issuer` of its configuration): the audience of request tokens. */
  issuer: string
  /** The directory holding `<participant>.json` private keys (what `npm run seed` writes). */
  keysDir: string
  narrator: Narrator
  /** How long to wait for an ordinary inbox message before giving up, in seconds. */
  messageWaitSeconds?: number
}

/** The hex SHA-256 of bytes or of a string's UTF-8 (manifests are ASCII). */
export const sha256Hex = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex')

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A scanned page as a window would produce it: a small PDF-like file, different on every run. */
export const scan = (name: string, material?: string): LocalDocument => ({
  name,
  contentType: 'application/pdf',
  bytes: Buffer.concat([Buffer.from(`%PDF-1.4\n% demo scan: ${name}\n`, 'utf8'), randomBytes(1024)]),
  ...(material === undefined ? {} : { material }),
})

/** Now, as an ISO instant in Beijing time (what windows write in their records). */
export const beijingNow = (): string =>
  new Date(Date.now() + 8 * 3_600_000).toISOString().replace('Z', '+08:00')

/** A fresh accepting-window reference, so that every run submits new cases. */
export const freshRef = (prefix: string): string =>
  `${prefix}-${beijingNow().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`

/** A leg in a few words: `accepted v3, deadline 2026-11-27 (Fri) ...`. */
export const legSummary = (leg: Pick<Leg, 'status' | 'version' | 'deadline'>, withDeadline = false) =>
  `${leg.status} v${leg.version}${withDeadline ? `, deadline ${readableDeadline(leg.deadline)}` : ''}`

/** What the demo does on the exchange, each call narrated as it happens. */
export const openStage = (settings: StageSettings) => {
  const { url, issuer, narrator: say } = settings
  const messageWaitMs = (settings.messageWaitSeconds ?? 20) * 1000
  const jwks = createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`))
  const actors = new Map<string, Actor>()

  /** The participant `id`, acting with the private key the seed wrote for it. */
  const actor = async (id: string): Promise<Actor> => {
    const known = actors.get(id)
    if (known !== undefined) return known
    const key: ParticipantKey = {
      participant: id,
      jwk: JSON.parse(await readFile(join(settings.keysDir, `${id}.json`), 'utf8')),
    }
    const created = { id, session: exchangeSession(url, issuer, key, 'demo') }
    actors.set(id, created)
    return created
  }

  /** Verifies something the exchange signed against its published keys; answers the claims. */
  const verify = async (token: string, typ: string, audience: string): Promise<JWTPayload> =>
    (await jwtVerify(token, jwks, { issuer, audience, typ })).payload

  /**
   * Announces documents, PUTs their bytes to the presigned URLs, and answers their manifest entries:
   * what the client's `upload` does, spelled out here so that the newcomer sees both calls' statuses.
   */
  const upload = async (who: Actor, documents: readonly LocalDocument[]): Promise<ManifestDocument[]> => {
    const declared = documents.map((document) => ({
      name: document.name,
      contentType: document.contentType,
      size: document.bytes.length,
      sha256: sha256Hex(document.bytes),
    }))
    const { status, body } = await who.session.send<{
      uploads: { documentId: string; url: string; headers: Record<string, string> }[]
    }>('POST', '/v1/uploads', { files: declared })
    const puts = await Promise.all(
      body.uploads.map(async (slot, index) => {
        const response = await fetch(slot.url, {
          method: 'PUT',
          headers: slot.headers,
          body: documents[index]?.bytes ?? new Uint8Array(),
        })
        if (!response.ok) throw new Error(`uploading ${documents[index]?.name} answered ${response.status}`)
        return response.status
      }),
    )
    say.step(who.id, 'POST /v1/uploads', status, `${body.uploads.length} presigned upload URLs`)
    say.step(
      who.id,
      `PUT ×${puts.length} to the presigned URLs`,
      puts[0],
      documents.map((d) => d.name).join(', '),
    )
    return body.uploads.map((slot, index) => {
      const document = documents[index]
      return {
        documentId: slot.documentId,
        ...(declared[index] as (typeof declared)[number]),
        ...(document?.material === undefined ? {} : { material: document.material }),
      }
    })
  }

  /** Signs a manifest over uploaded documents with the actor's own key. */
  const manifest = async (
    who: Actor,
    purpose: 'application' | 'supplement' | 'result',
    documents: ManifestDocument[],
  ): Promise<string> => {
    const signed = await who.session.manifest(purpose, documents)
    say.step(
      who.id,
      `signs ${purpose === 'application' ? 'an' : 'a'} ${purpose} manifest`,
      undefined,
      `exchange-manifest+jwt over ${documents.length} document(s), sha256 ${sha256Hex(signed).slice(0, 12)}…`,
    )
    return signed
  }

  /** `POST /v1/cases` as the accepting window; verifies the receipt the exchange signs for it. */
  const submit = async (who: Actor, submission: Record<string, unknown> & { manifest: string }) => {
    const { status, body } = await who.session.send<{
      caseId: string
      legs: { home: string; status: string; version: number }[]
      receipt: string
    }>('POST', '/v1/cases', submission)
    say.step(who.id, 'POST /v1/cases', status, `case ${body.caseId}`)
    for (const leg of body.legs) say.detail(`leg ${leg.home.padEnd(14)} ${leg.status} v${leg.version}`)
    const receipt = await verify(body.receipt, 'exchange-receipt+jwt', who.id)
    const bound = receipt.manifestSha256 === sha256Hex(submission.manifest)
    say.detail(
      `receipt (exchange-receipt+jwt) verified against /.well-known/jwks.json; ` +
        `${bound ? 'binds' : 'DOES NOT bind'} the manifest`,
    )
    if (!bound) throw new Error('the receipt does not bind the manifest that was sent')
    return body
  }

  /** `POST /v1/cases/{caseId}/legs/{home}/transitions`: one action on one home's leg. */
  const transition = async (
    who: Actor,
    caseId: string,
    home: string,
    action: string,
    expectedVersion: number,
    extra: Record<string, unknown> = {},
  ): Promise<{ leg: Leg; packageId?: string }> => {
    const { status, body } = await who.session.send<{ leg: Leg; packageId?: string }>(
      'POST',
      `/v1/cases/${caseId}/legs/${home}/transitions`,
      { action, expectedVersion, ...extra },
    )
    const answer = `${home}: ${legSummary(body.leg)}${body.packageId === undefined ? '' : `, sealed package ${body.packageId}`}`
    say.step(who.id, `${action} (expected v${expectedVersion})`, status, answer)
    return body
  }

  /** `GET /v1/cases/{caseId}`: the legs as one party sees them. */
  const legsOf = async (who: Actor, caseId: string): Promise<Leg[]> => {
    const { status, body } = await who.session.send<{ legs: Leg[] }>('GET', `/v1/cases/${caseId}`)
    say.step(who.id, 'GET /v1/cases/{caseId}', status, `${body.legs.length} leg(s)`)
    return body.legs
  }

  const describe = (message: InboxMessage, caseId: string) => {
    const about = message.caseId === caseId ? '' : ` (earlier case ${message.caseId})`
    const body = message.body
    const extra = [
      typeof body.deadline === 'string' ? `deadline ${readableDeadline(body.deadline)}` : undefined,
      Array.isArray(body.missing) ? `missing: ${body.missing.length} item(s)` : undefined,
      typeof body.notice === 'string' ? 'carries the notice' : undefined,
      typeof body.packageId === 'string' ? `package ${body.packageId}` : undefined,
    ].filter((part) => part !== undefined)
    return `${message.type.padEnd(26)} ${message.home} v${message.version}${extra.length === 0 ? '' : `; ${extra.join('; ')}`}${about}`
  }

  /**
   * Pulls the actor's inbox until every expected message of the case has arrived, acking each
   * message it pulls (those of earlier runs' cases included). Answers the expected messages.
   */
  const receive = async (
    who: Actor,
    caseId: string,
    expected: readonly Expected[],
    options: { waitSeconds?: number } = {},
  ): Promise<InboxMessage[]> => {
    const outstanding = expected.map((want) => (typeof want === 'string' ? { type: want } : want))
    const found: InboxMessage[] = []
    const until =
      Date.now() + (options.waitSeconds === undefined ? messageWaitMs : options.waitSeconds * 1000)
    while (outstanding.length > 0) {
      const { status, body } = await who.session.send<{ messages: InboxMessage[] }>(
        'POST',
        '/v1/inbox/pull',
        {
          leaseSeconds: 10,
        },
      )
      if (body.messages.length > 0) {
        say.step(who.id, 'POST /v1/inbox/pull', status, `${body.messages.length} message(s)`)
        for (const message of body.messages) {
          say.detail(describe(message, caseId))
          const index = outstanding.findIndex(
            (want) =>
              message.caseId === caseId &&
              message.type === want.type &&
              ('home' in want ? message.home === want.home : true),
          )
          if (index >= 0) {
            outstanding.splice(index, 1)
            found.push(message)
          }
        }
        const acked = await who.session.send<{ acked: number; stale: number }>('POST', '/v1/inbox/ack', {
          leases: body.messages.map((message) => message.lease),
        })
        say.step(
          who.id,
          'POST /v1/inbox/ack',
          acked.status,
          `acked ${acked.body.acked}, stale ${acked.body.stale}`,
        )
        continue
      }
      if (Date.now() > until) {
        throw new Error(
          `${who.id} did not receive ${outstanding.map((want) => want.type).join(', ')} for case ${caseId} in time`,
        )
      }
      await sleep(250)
    }
    return found
  }

  return { actor, verify, upload, manifest, submit, transition, legsOf, receive, say }
}

export type Stage = ReturnType<typeof openStage>
