import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Context } from 'aws-lambda'
import { decodeJwt, importJWK, SignJWT } from 'jose'
import { envelopeVault, localDataKeys } from '#functions/adapters/envelope-vault.js'
import { fileExchangeSigner } from '#functions/adapters/file-exchange-signer.js'
import { uuidV7 } from '#functions/adapters/uuid-v7.js'
import type { HttpEvent } from '#functions/http/http-event.js'
import { httpHandler } from '#functions/http/http-handler.js'
import { routes } from '#functions/http/routes.js'
import { ensurePrivateJwk, newPrivateJwk, publicJwkOf } from '#local/keys.js'
import { sampleItem, sampleSubmission } from '#local/sample-handoff.js'
import { CaseSubmission } from '#shared/cases/case.js'
import { type SubmitCaseDeps, submitCase } from '#shared/cases/submit-case.js'
import { enqueue } from '#shared/inbox/enqueue.js'
import { Manifest, manifestSha256 } from '#shared/packages/manifest.js'
import type { SealedPackage } from '#shared/packages/sealed-package.js'
import { packageIdOf, packagePrefix } from '#shared/packages/sealed-package.js'
import type { Agreement } from '#shared/registry/agreement.js'
import type { Item } from '#shared/registry/item.js'
import { parsePublicJwks } from '#shared/registry/jwks.js'
import type { Participant } from '#shared/registry/participant.js'
import type { Principal } from '#shared/trust/principal.js'
import { memoryRecords } from './authentication.js'
import { captureHandlerLogs } from './handoff.js'
import { type Comparison, type ComparisonOptions, callsPerSide, compare, nth } from './measure.js'
import { figure, type Section, times } from './report.js'

/** The goals for the submit handler's CPU time per call with storage stubbed, in µs. */
const goal = { p50: 500, p99: 3000 }

const plan: Omit<ComparisonOptions, 'baseline' | 'subject'> = {
  warmup: 300,
  rounds: 10,
  perRound: 200,
  cpuPerCall: true,
}

const at = '2026-11-20T08:00:00.000Z'

const participant = async (id: string, roles: Participant['roles']): Promise<Participant> => ({
  id,
  name: 'Benchmark district',
  kind: 'district',
  roles,
  jwks: parsePublicJwks({ keys: [publicJwkOf(await newPrivateJwk('ES256'))] }, 'the benchmark key'),
  status: 'active',
  version: 1,
  createdAt: at,
  updatedAt: at,
})

/** A signed application manifest over three 300 KB documents, as a window would send it. */
const applicationManifest = async (issuer: string) => {
  const jwk = await newPrivateJwk('ES256')
  const documents = ['form', 'licence', 'mandate'].map((material) => ({
    documentId: randomUUID(),
    name: `${material}.pdf`,
    contentType: 'application/pdf',
    size: 300_000,
    sha256: randomBytes(32).toString('hex'),
    material,
  }))
  return new SignJWT({ purpose: 'application', documents })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid ?? '', typ: 'exchange-manifest+jwt' })
    .setIssuer(issuer)
    .setIssuedAt()
    .sign(await importJWK(jwk, 'ES256'))
}

/**
 * Every port of `submitCase` in memory: the registry from a map, no stored reference, no chain head,
 * a writer that keeps nothing; the real envelope vault over `localDataKeys` (AES-256-GCM), the real
 * file signer (ECDSA P-256), a seal stub answering a precomputed package (after running the use
 * case's own materials check on the manifest), and the real `enqueue` over an empty inbox.
 */
const stubbedDependencies = async (keyFile: string) => {
  const accepting = await participant('bench-window', ['accepting'])
  const home = await participant('bench-home', ['home'])
  const item: Item = {
    code: 'item-bench',
    ...sampleItem,
    version: 1,
    createdAt: at,
    updatedAt: at,
  }
  const agreement: Agreement = {
    id: 'agreement-bench',
    parties: [accepting.id, home.id],
    items: [item.code],
    validFrom: '2020-01-01T00:00:00+08:00',
    version: 1,
    createdAt: at,
    updatedAt: at,
  }
  await ensurePrivateJwk(keyFile)
  const signer = fileExchangeSigner(keyFile)
  const manifest = await applicationManifest(accepting.id)
  const claims = Manifest.parse(decodeJwt(manifest))
  const caseId = 'case-precomputedforthebench'
  const digest = manifestSha256(manifest)
  const packageId = packageIdOf(caseId, digest)
  const sealed: SealedPackage = {
    packageId,
    caseId,
    purpose: 'application',
    manifest,
    manifestSha256: digest,
    seal: await signer.sign('exchange-seal+jwt', { caseId, packageId, manifestSha256: digest }),
    documents: claims.documents.map((document) => ({
      ...document,
      key: `${packagePrefix(caseId, packageId)}${document.documentId}`,
    })),
    sealedAt: at,
    submittedBy: accepting.id,
  }
  const clock = () => new Date()
  const deps: SubmitCaseDeps = {
    records: memoryRecords([
      ['participant', accepting.id, accepting],
      ['participant', home.id, home],
      ['item', item.code, item],
    ]),
    adminJwks: accepting.jwks,
    chains: { head: async () => undefined },
    writer: { commit: async () => undefined },
    clock,
    newEventId: () => uuidV7(clock()),
    cases: {
      load: async () => undefined,
      reference: async () => undefined,
      listByParty: async () => ({ caseIds: [] }),
    },
    vault: envelopeVault(localDataKeys(Promise.resolve(randomBytes(32)))),
    signer,
    exchangeId: 'exchange-bench',
    seal: async (input) => {
      input.check?.(claims)
      return { sealed, changes: [{ kind: 'put-package', caseId: input.caseId, packageId, value: sealed }] }
    },
    enqueue: (messages) =>
      enqueue(
        { inbox: { order: async () => undefined }, clock, newMessageId: () => uuidV7(clock()) },
        messages,
      ),
    agreementsOf: async () => [agreement],
  }
  const body = (acceptingRef: string) =>
    sampleSubmission({ acceptingRef, itemCode: item.code, homes: [home.id], manifest })
  const caller: Principal = { participant: accepting.id, sub: 'window-07', roles: ['accepting'] }
  return { deps, body, caller }
}

/** A payload 2.0 event of `POST /v1/cases` as API Gateway hands it over after the authorizer. */
const submitEvent = (caller: Principal, body: string): HttpEvent =>
  ({
    version: '2.0',
    routeKey: 'POST /v1/cases',
    rawPath: '/v1/cases',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'exchange.example', 'x-forwarded-proto': 'https' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'exchange.example',
      domainPrefix: 'exchange',
      http: {
        method: 'POST',
        path: '/v1/cases',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
      },
      requestId: randomUUID(),
      routeKey: 'POST /v1/cases',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      authorizer: {
        lambda: {
          verdict: 'ok',
          participant: caller.participant,
          sub: caller.sub,
          roles: caller.roles.join(','),
        },
      },
    },
    body,
    isBase64Encoded: false,
  }) as unknown as HttpEvent

const context = { awsRequestId: 'bench', functionName: 'cases/submit-case' } as Context

const micros = (value: number) => figure(value / 1000, 3)

/**
 * Benchmark 5: `submitCase` and the submit handler's middy stack with every port in memory, CPU time
 * per call, against a bare `CaseSubmission.safeParse` of the same body.
 */
export const submitHandlerCpu = async (): Promise<Section> => {
  const scratch = await mkdtemp(join(tmpdir(), 'exchange-bench-submit-'))
  const logs = captureHandlerLogs(() => 'submit')
  try {
    const { deps, body, caller } = await stubbedDependencies(join(scratch, 'signing-key.json'))
    const bodies = Array.from({ length: callsPerSide(plan) }, () => body(`ref-${randomUUID()}`))
    const texts = bodies.map((value) => JSON.stringify(value))
    const parsed = bodies.map((value) => CaseSubmission.parse(value))
    // `functions/http/cases/submit-case.ts` wires the same route and use case, but builds its ports
    // from the environment when it is imported; this is its handler with the stubs instead.
    const handler = httpHandler(routes.submitCase, async (request) => {
      const { answer, created } = await submitCase(deps, { submission: request.body, caller: request.caller })
      return { body: answer, created }
    })
    const safeParse = async (index: number) => CaseSubmission.safeParse(nth(bodies, index))
    const useCase = await compare({
      ...plan,
      baseline: safeParse,
      subject: (index) => submitCase(deps, { submission: nth(parsed, index), caller }),
    })
    const full = await compare({
      ...plan,
      baseline: safeParse,
      subject: async (index) => {
        const response = await handler(submitEvent(caller, nth(texts, index)), context)
        if (response.statusCode !== 201) throw new Error(`the stubbed submit answered ${response.statusCode}`)
      },
    })
    const met = (result: Comparison) =>
      (result.cpuPerCall?.subject.median ?? Number.POSITIVE_INFINITY) <= goal.p50 &&
      (result.cpuPerCall?.subject.p99 ?? Number.POSITIVE_INFINITY) <= goal.p99
    const row = (name: string, result: Comparison, judged: boolean) => [
      name,
      micros(result.cpuPerCall?.baseline.median ?? 0),
      micros(result.cpuPerCall?.subject.median ?? 0),
      micros(result.cpuPerCall?.subject.p99 ?? 0),
      times((result.cpuPerCall?.subject.median ?? 0) / (result.cpuPerCall?.baseline.median ?? 1)),
      micros(result.subject.median),
      micros(result.subject.p99),
      judged ? `p50 ≤ 0.5, p99 ≤ 3: ${met(result) ? 'met' : 'NOT MET'}` : 'for comparison',
    ]
    const handlerCpu = full.cpuPerCall?.subject
    return {
      title: 'Submit handler CPU with storage stubbed',
      about: [
        'Subject: `submitCase` from `shared/cases/submit-case.ts` with every port in memory (registry',
        'records from a map, no stored reference, no chain head, a writer that keeps nothing), the real',
        'envelope vault over `localDataKeys` (AES-256-GCM, a fresh data key per case), the real file',
        'signer (ECDSA P-256: the receipt), a seal stub answering a precomputed package after running the',
        "use case's materials check, and the real `enqueue` over an empty inbox; and the same use case",
        "behind the route's middy stack (`httpHandler(routes.submitCase, …)` as the handler module wires",
        'it), called with a payload 2.0 event. Baseline: a bare `CaseSubmission.safeParse` of the same',
        `body. ${plan.rounds} alternating rounds of ${plan.perRound} calls per side after ${plan.warmup} warm-up calls; every call a fresh acceptingRef.`,
      ],
      columns: [
        { title: 'subject', align: 'left' },
        { title: 'safeParse CPU p50 ms' },
        { title: 'subject CPU p50 ms' },
        { title: 'subject CPU p99 ms' },
        { title: 'CPU ratio p50' },
        { title: 'subject wall p50 ms' },
        { title: 'subject wall p99 ms' },
        { title: 'goal', align: 'left' },
      ],
      rows: [
        row('submitCase (parsed body)', useCase, false),
        row('submit handler (middy, event)', full, true),
      ],
      goals: [
        {
          text: `submit handler CPU p50 ≤ 0.5 ms and p99 ≤ 3 ms with storage stubbed (p50 ${micros(handlerCpu?.median ?? 0)} ms, p99 ${micros(handlerCpu?.p99 ?? 0)} ms)`,
          met: met(full),
        },
      ],
      notes: [
        'CPU per call is `process.cpuUsage()` (user + system, every thread of the process) around each' +
          ' call, so the p99 also holds garbage collection and whatever else ran in the process meanwhile.',
        `The handler's JSON log line is built as always and then dropped instead of written (${logs.runs.length} lines).`,
        'Not in the figures: signing the seal and hashing the documents (the seal is stubbed), KMS and' +
          ' DynamoDB round-trips, the authorizer.',
      ],
    }
  } finally {
    logs.restore()
    await rm(scratch, { recursive: true, force: true })
  }
}
