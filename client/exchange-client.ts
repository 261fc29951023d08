import type { Writable } from 'node:stream'
import { decodeJwt, type JSONWebKeySet, SignJWT } from 'jose'
import type * as z from 'zod'
import { routeList } from '#functions/http/routes.js'
import type { AuditEvent } from '#shared/audit/audit-event.js'
import type { CaseSubmission } from '#shared/cases/case.js'
import type { TransitionRequest } from '#shared/cases/transition-leg.js'
import type { InboxMessage } from '#shared/inbox/inbox-message.js'
import type { PullRequest } from '#shared/inbox/pull-messages.js'
import { Manifest, type ManifestDocument, manifestSha256, type Purpose } from '#shared/packages/manifest.js'
import type { PackageView } from '#shared/packages/sealed-package.js'
import {
  type CallContext,
  callRoute,
  defaultRetry,
  type RetryPolicy,
  type RouteInput,
  type RouteName,
  type RouteOutput,
} from './call-route.js'
import { UntrustedAnswer, UploadFailed } from './client-errors.js'
import {
  type DocumentSource,
  fetchDocument,
  type ListedDocument,
  type Progress,
  putDocument,
} from './document-transfer.js'
import { exchangeTrust, type VerifiedCheckpoint } from './exchange-trust.js'
import { type ParticipantKey, signingKeyOf } from './request-token.js'

/** How to reach an exchange and as whom. */
export type ConnectOptions = {
  /** The exchange's base URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string
  key: ParticipantKey
  /** The calling system, the `sub` of every request token. */
  sub?: string
  /** The exchange id expected; connecting to another exchange is refused. */
  exchangeId?: string
  /**
   * The exchange's signing keys as its operator publishes them, obtained apart from the exchange
   * itself. Given, only these verify what it signs, and the keys it serves are never fetched: an
   * exchange (or anyone between) that publishes keys of its own then cannot make a forgery verify.
   * Without them the client trusts the keys the exchange serves at `/.well-known/jwks.json`.
   */
  trustedKeys?: JSONWebKeySet
  retry?: Partial<RetryPolicy>
  /** How long one try of a call may take (default 30 s); a slower one is a lost answer, retried where safe. */
  timeoutMs?: number
  /** Plain `http` to a host other than this machine (a test network); refused unless set. */
  allowPlainHttp?: boolean
  fetch?: typeof fetch
  sleep?: (ms: number) => Promise<void>
}

/**
 * Whether a base URL keeps what crosses it (request tokens, personal data) from the network: https,
 * or plain http to this machine itself (`npm start`).
 */
export const carriesSecrets = (url: URL): boolean =>
  url.protocol === 'https:' ||
  (url.protocol === 'http:' && ['localhost', '[::1]'].includes(url.hostname)) ||
  (url.protocol === 'http:' && /^127\.\d+\.\d+\.\d+$/.test(url.hostname))

/** Uploads of one document tried at most this often: a presigned URL may be used again until it expires. */
const uploadAttempts = 3

/** What an upload reports as it goes: bytes of each document, and each document once the storage took it. */
export type UploadWatch = {
  progress?: Progress
  /** Called once a document is stored, before the next starts: a rerun after a failure may reuse it. */
  uploaded?: (entry: ManifestDocument, index: number) => void | Promise<void>
}

/**
 * A document as its signer vouched for it, comparable as text: every member of its manifest entry,
 * so that a listing naming, typing or assigning a document otherwise than the manifest is refused.
 */
const listed = ({ documentId, name, contentType, size, sha256, material }: ManifestDocument) =>
  JSON.stringify([documentId, name, contentType, size, sha256, material ?? null])

/**
 * A participant's connection to an exchange: every route of the OpenAPI document as a typed call,
 * and the work around them done right by default. Request tokens are minted per call, busy answers
 * retried after `Retry-After`, documents streamed to presigned URLs, manifests signed, and every
 * receipt, seal, notice, checkpoint, proof and downloaded byte verified against the exchange's
 * published keys before it is handed on. Refusals throw `ExchangeProblem`, distrust `UntrustedAnswer`.
 */
export const connectExchange = async (options: ConnectOptions) => {
  if (!(options.allowPlainHttp === true || carriesSecrets(new URL(options.baseUrl)))) {
    throw new TypeError(
      `${options.baseUrl} is plain http to another machine: tokens and personal data would cross the network readable; use https`,
    )
  }
  const base: CallContext = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    audience: options.exchangeId ?? '',
    key: options.key,
    sub: options.sub ?? 'exchange-client',
    retry: { ...defaultRetry, ...options.retry },
    timeoutMs: options.timeoutMs ?? 30_000,
    fetch: options.fetch ?? fetch,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  }
  const { body: configuration } = await callRoute(base, 'getExchangeConfiguration', {})
  if (options.exchangeId !== undefined && configuration.issuer !== options.exchangeId) {
    throw new UntrustedAnswer(
      'unexpected-answer',
      `${base.baseUrl} is the exchange ${configuration.issuer}, not ${options.exchangeId}`,
    )
  }
  const context: CallContext = { ...base, audience: configuration.issuer }
  const exchangeId = configuration.issuer
  const participant = options.key.participant
  const { trustedKeys } = options
  const served = async () => (await callRoute(context, 'getJwks', {})).body
  const trust =
    trustedKeys === undefined
      ? exchangeTrust(exchangeId, served, await served())
      : exchangeTrust(exchangeId, async () => trustedKeys, trustedKeys)

  /** Calls any route; answers its success body. */
  const call = async <N extends RouteName>(name: N, input: RouteInput<N>): Promise<RouteOutput<N>> =>
    (await callRoute(context, name, input)).body

  /**
   * Verifies a package's seal, that it is the package asked for (`packageId`, when one was), and that
   * its listing is exactly what its manifest signs.
   */
  const verifyPackage = async (caseId: string, view: PackageView, packageId = view.packageId) => {
    if (view.packageId !== packageId)
      throw new UntrustedAnswer('claims-mismatch', `asked for package ${packageId}, got ${view.packageId}`)
    await trust.verify(view.seal, 'exchange-seal+jwt', {
      caseId,
      packageId,
      manifestSha256: manifestSha256(view.manifest),
    })
    const manifest = Manifest.safeParse(decodeJwt(view.manifest))
    const signed = manifest.success ? manifest.data.documents.map(listed).sort() : []
    const served = view.documents.map(listed).sort()
    if (
      !manifest.success ||
      JSON.stringify(signed) !== JSON.stringify(served) ||
      manifest.data.purpose !== view.purpose
    ) {
      throw new UntrustedAnswer(
        'claims-mismatch',
        `package ${view.packageId} lists other documents than its sealed manifest`,
      )
    }
    return view
  }

  /**
   * Verifies a proxy-receipt notice: signed by the exchange, binding `claims` (at least the case and
   * its home) and, when given, addressed to `audience`. An approved intake without its notice is
   * refused too: the notice is what the accepting window shows the applicant.
   */
  const verifyNotice = async (
    notice: unknown,
    claims: { caseId: string; home: string; acceptingRef?: string; itemCode?: string },
    audience?: string,
  ) => {
    if (typeof notice !== 'string')
      throw new UntrustedAnswer(
        'unexpected-answer',
        `the approved intake of leg ${claims.home} of case ${claims.caseId} comes without its proxy-receipt notice`,
      )
    await trust.verify(notice, 'exchange-notice+jwt', claims, audience)
  }

  return {
    exchangeId,
    participant,
    configuration,
    call,

    /** Every page of a listing route, following `nextCursor`. */
    async *pages<N extends 'listParticipants' | 'listItems' | 'listAgreements' | 'listCases' | 'queryEvents'>(
      name: N,
      input: RouteInput<N>,
    ): AsyncGenerator<RouteOutput<N>> {
      let query = (input as { query?: Record<string, unknown> }).query ?? {}
      for (;;) {
        const page = (await call(name, {
          ...(input as object),
          query,
        } as RouteInput<N>)) as RouteOutput<N> & {
          nextCursor?: string
        }
        yield page
        if (page.nextCursor === undefined) return
        query = { ...query, cursor: page.nextCursor }
      }
    },

    /**
     * Announces the documents, then streams each to its presigned URL (one at a time, each tried
     * again on a network failure while its URL lives); answers the manifest entries, in order. A
     * document the storage refuses, or fails on every try, throws `UploadFailed`.
     */
    async uploadDocuments(
      sources: readonly DocumentSource[],
      watch: UploadWatch = {},
    ): Promise<ManifestDocument[]> {
      const { progress } = watch
      const { uploads } = await call('createUploads', {
        body: {
          files: sources.map(({ name, contentType, size, sha256 }) => ({ name, contentType, size, sha256 })),
        },
      })
      if (uploads.length !== sources.length) {
        throw new UntrustedAnswer(
          'unexpected-answer',
          `asked for ${sources.length} uploads, got ${uploads.length}`,
        )
      }
      const entries: ManifestDocument[] = []
      for (const [index, slot] of uploads.entries()) {
        const source = sources[index] as DocumentSource
        // Bytes sent to another document's slot would be listed under the wrong documentId.
        if (slot.name !== source.name)
          throw new UntrustedAnswer(
            'unexpected-answer',
            `upload ${index} is for ${slot.name}, not ${source.name}: the slots come in another order`,
          )
        for (let attempt = 1; ; attempt++) {
          const status = await putDocument(slot.url, slot.headers, source, progress).catch(
            (error: unknown) => {
              if (attempt >= uploadAttempts) throw new UploadFailed(source.name, undefined, { cause: error })
              return 0
            },
          )
          if (status >= 200 && status < 300) break
          if ((status !== 0 && status < 500) || attempt >= uploadAttempts)
            throw new UploadFailed(source.name, status)
          await context.sleep(500 * attempt)
        }
        const entry = {
          documentId: slot.documentId,
          name: source.name,
          contentType: source.contentType,
          size: source.size,
          sha256: source.sha256,
          ...(source.material === undefined ? {} : { material: source.material }),
        }
        await watch.uploaded?.(entry, index)
        entries.push(entry)
      }
      return entries
    },

    /** Signs a manifest (`exchange-manifest+jwt`) over uploaded documents with the participant's key. */
    async signManifest(purpose: Purpose, documents: readonly ManifestDocument[]): Promise<string> {
      const signing = await signingKeyOf(options.key.jwk)
      return new SignJWT({ purpose, documents: [...documents] })
        .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'exchange-manifest+jwt' })
        .setIssuer(participant)
        .setIssuedAt()
        .sign(signing.key)
    },

    /**
     * Hands a case over and verifies its receipt: signed by the exchange, addressed to this
     * participant, binding the case, the reference and this very manifest. Sending the same
     * submission again answers the same case (`created` false), never a second one.
     */
    async submitCase(submission: z.input<typeof CaseSubmission>) {
      const answer = await callRoute(context, 'submitCase', { body: submission })
      await trust.verify(
        answer.body.receipt,
        'exchange-receipt+jwt',
        {
          caseId: answer.body.caseId,
          acceptingRef: submission.acceptingRef,
          manifestSha256: manifestSha256(submission.manifest),
        },
        participant,
      )
      return { ...answer.body, created: answer.status === 201 }
    },

    /**
     * A case with its legs, their notices verified: each addressed to the case's accepting
     * participant and binding its reference and item, so those members of the view are vouched for.
     */
    async getCase(caseId: string) {
      const view = await call('getCase', { params: { caseId } })
      const { accepting, acceptingRef, itemCode } = view
      for (const leg of view.legs) {
        if (leg.notice !== undefined)
          await verifyNotice(leg.notice, { caseId, home: leg.home, acceptingRef, itemCode }, accepting)
      }
      return view
    },

    /** Moves one leg; an approved intake's notice is verified before the answer is handed on. */
    async transition(caseId: string, home: string, request: z.input<typeof TransitionRequest>) {
      const answer = await call('transitionLeg', { params: { caseId, home }, body: request })
      if (request.action === 'approve-intake' || answer.leg.notice !== undefined)
        await verifyNotice(answer.leg.notice, { caseId, home })
      return answer
    },

    /** A case's sealed packages, each seal verified against its manifest. */
    async listPackages(caseId: string): Promise<PackageView[]> {
      const { packages } = await call('listPackages', { params: { caseId } })
      return Promise.all(packages.map((view) => verifyPackage(caseId, view)))
    },

    /** One sealed package, its seal verified against its manifest. */
    async getPackage(caseId: string, packageId: string): Promise<PackageView> {
      return verifyPackage(caseId, await call('getPackage', { params: { caseId, packageId } }), packageId)
    },

    /**
     * Streams one document of a verified package into `sink` and checks its bytes against the
     * listing; the bytes are trustworthy only once this resolves (write to a temporary file first).
     */
    downloadDocument: (document: ListedDocument, sink: Writable, progress?: Progress) =>
      fetchDocument(document, sink, progress),

    /** Leases messages; an intake-approved message's notice is verified as addressed to this participant. */
    async pull(request: z.input<typeof PullRequest> = {}): Promise<InboxMessage[]> {
      const { messages } = await call('pullMessages', { body: request })
      for (const { type, caseId, home, body } of messages) {
        if (type === 'case.intake-approved' || body.notice !== undefined)
          await verifyNotice(body.notice, { caseId, home }, participant)
      }
      return messages
    },

    /** Acks leased messages: answers how many were removed and how many leases no longer held. */
    ack: (leases: readonly string[]) => call('ackMessages', { body: { leases: [...leases] } }),

    /** The latest checkpoint, its signature verified. */
    async latestCheckpoint(): Promise<VerifiedCheckpoint> {
      const { checkpoint } = await call('getLatestCheckpoint', {})
      return trust.checkpoint(checkpoint)
    },

    /** Proves an event is in the log: its inclusion proof checked against a verified checkpoint. */
    async proveEvent(event: Pick<AuditEvent, 'eventId' | 'hash'>) {
      const proof = await call('getInclusionProof', { params: { eventId: event.eventId } })
      const head = await trust.checkpoint(proof.checkpoint)
      trust.inclusion(event.hash, proof, head)
      return { leafIndex: proof.leafIndex, checkpoint: head }
    },

    /** Proves the log only grew between two verified checkpoints. */
    async proveConsistency(older: VerifiedCheckpoint, newer: VerifiedCheckpoint): Promise<void> {
      const { proof } = await call('getConsistencyProof', {
        query: { from: String(older.treeSize), to: String(newer.treeSize) },
      })
      trust.consistency(older, newer, proof)
    },

    /** The audit export, part after part (NDJSON text each), for `exchange audit verify`. */
    async *exportAudit(
      query: { from?: string | undefined; to?: string | undefined } = {},
    ): AsyncGenerator<string> {
      let cursor: string | undefined
      do {
        const part = await callRoute(context, 'exportAudit', {
          query: { ...query, ...(cursor === undefined ? {} : { cursor }) },
        })
        yield part.body
        cursor = part.headers.get('x-next-cursor') ?? undefined
      } while (cursor !== undefined)
    },

    /**
     * Compares the routes this client was built with to the OpenAPI document the exchange serves:
     * answers the operations either side lacks (both empty when they agree).
     */
    async compareOpenApi() {
      const document = (await call('getOpenApi', {})) as { paths?: Record<string, Record<string, unknown>> }
      const served = new Set(
        Object.entries(document.paths ?? {}).flatMap(([path, operations]) =>
          Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
        ),
      )
      const known = new Set(routeList.map((route) => `${route.method} ${route.path}`))
      return {
        missingFromExchange: [...known].filter((operation) => !served.has(operation)),
        unknownToClient: [...served].filter((operation) => !known.has(operation)),
      }
    },
  }
}

export type ExchangeClient = Awaited<ReturnType<typeof connectExchange>>
