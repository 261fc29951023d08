import * as z from 'zod'
import { ExportQuery } from '#shared/audit/export-audit.js'
import { LatestCheckpoint } from '#shared/audit/get-latest-checkpoint.js'
import { ConsistencyProof, ConsistencyQuery } from '#shared/audit/prove-consistency.js'
import { EventId, InclusionProof } from '#shared/audit/prove-inclusion.js'
import { AuditEventList, EventQuery } from '#shared/audit/query-events.js'
import { CaseSubmission, SubmissionAnswer } from '#shared/cases/case.js'
import { CaseView } from '#shared/cases/case-view.js'
import { CaseList, CaseQuery } from '#shared/cases/list-cases.js'
import { TransitionAnswer, TransitionRequest } from '#shared/cases/transition-leg.js'
import { Calendar, CalendarCorrection, CalendarYear } from '#shared/clock/calendar.js'
import type { ErrorCode } from '#shared/errors.js'
import { AckRequest, AckResult } from '#shared/inbox/ack-messages.js'
import { PulledMessages, PullRequest } from '#shared/inbox/pull-messages.js'
import { CaseId, PackageId, PackageList, PackageView } from '#shared/packages/sealed-package.js'
import { UploadList, UploadRequest } from '#shared/packages/upload.js'
import { Agreement, AgreementInput } from '#shared/registry/agreement.js'
import { AgreementId, ItemCode, ParticipantId } from '#shared/registry/ids.js'
import { Item, ItemInput } from '#shared/registry/item.js'
import { PublicJwks } from '#shared/registry/jwks.js'
import {
  Participant,
  ParticipantInput,
  RegisteredParticipantId,
  type Role,
} from '#shared/registry/participant.js'
import { ListQuery } from '#shared/registry/read-registry.js'
import { SupervisedLegList, SupervisionQuery } from '#shared/stats/list-supervised-legs.js'
import { Statistics, StatsQuery } from '#shared/stats/read-statistics.js'
import {
  AgreementList,
  ExchangeConfiguration,
  ExchangeJwks,
  Health,
  ItemList,
  ParticipantList,
} from './responses.js'

/**
 * What a handler touches, so that each function is granted exactly that: read or write a table,
 * read the exchange's public key or sign with it.
 */
export type Grant =
  | 'state:read'
  /** Query a participant's cases through the by-party index. */
  | 'state:by-party'
  /** Query legs by deadline through the by-deadline index (the supervision sweep). */
  | 'state:by-deadline'
  | 'state:write'
  | 'audit:write'
  /** Fold events into the statistics: query the unfolded index, read case chains, dequeue events. */
  | 'audit:fold'
  /** Read the Merkle tree's head, nodes and checkpoints (GetItem, BatchGetItem on the audit table). */
  | 'audit:tree-read'
  /** Query the events not yet in the Merkle tree through the unsealed index (the checkpointer). */
  | 'audit:unsealed'
  /** Query an event by id through the by-event index. */
  | 'audit:by-event'
  /** Query partitions of the audit table itself: a case's chain, the checkpoints. */
  | 'audit:read'
  /** Query events by acting participant through the by-actor index. */
  | 'audit:by-actor'
  /** Query events by action through the by-action index. */
  | 'audit:by-action'
  /** Query events by UTC day through the by-day index. */
  | 'audit:by-day'
  | 'nonces:write'
  /** Pull and ack: list pullable messages, lease, read, remove and reveal them, move case orders. */
  | 'inbox:read-write'
  /** Enqueue with a case write: read case orders, put messages and orders. */
  | 'inbox:write'
  | 'signer:public'
  | 'signer:sign'
  /** Presign uploads into staging (`uploads/`). */
  | 'staging:write'
  /** Read staged uploads, to measure them and copy them into a package. */
  | 'staging:read'
  /** Write sealed packages (`packages/`). */
  | 'sealed:write'
  /** Presign downloads of sealed packages. */
  | 'sealed:read'
  /** Archive checkpoints in the sealed bucket (`checkpoints/`). */
  | 'sealed:checkpoints'
  /** Encrypt personal data under a fresh data key. */
  | 'vault:seal'
  /** Decrypt personal data. */
  | 'vault:open'

type Schema = z.ZodType
type ObjectSchema = z.ZodObject

/** One HTTP route: what the API Gateway deploys, the local gateway serves and OpenAPI documents. */
export type Route<
  A extends 'public' | 'participant' = 'public' | 'participant',
  P extends ObjectSchema | undefined = ObjectSchema | undefined,
  Q extends ObjectSchema | undefined = ObjectSchema | undefined,
  B extends Schema | undefined = Schema | undefined,
  R extends Schema | 'html' | 'ndjson' = Schema | 'html' | 'ndjson',
> = {
  method: 'GET' | 'PUT' | 'POST'
  path: string
  /** The handler module under `functions/http/`, without extension; one Lambda function each. */
  handler: string
  /** `public` routes need no token; `participant` routes run the authorizer. */
  auth: A
  /** Roles of which the caller needs one; absent means any authenticated participant. */
  roles?: readonly Role[]
  summary: string
  tag: 'Discovery' | 'Registry' | 'Clock' | 'Inbox' | 'Documents' | 'Cases' | 'Supervision' | 'Audit'
  params?: P
  query?: Q
  body?: B
  /** The success body (JSON), or `html` for pages meant for people. */
  response: R
  /** Response headers worth documenting, by name (e.g. the cursor of a paged NDJSON answer). */
  responseHeaders?: Readonly<Record<string, string>>
  /** Whether a success may be `201 Created` (upserts) rather than always `200`. */
  creates?: boolean
  /** Refusals beyond those its auth, roles, params and body imply (a 404 for what a query names). */
  refuses?: readonly ErrorCode[]
  grants: readonly Grant[]
}

const route = <
  A extends 'public' | 'participant',
  P extends ObjectSchema | undefined,
  Q extends ObjectSchema | undefined,
  B extends Schema | undefined,
  R extends Schema | 'html' | 'ndjson',
>(
  definition: Route<A, P, Q, B, R>,
) => definition

const participantParams = z.strictObject({ id: ParticipantId })
const registeredParticipantParams = z.strictObject({ id: RegisteredParticipantId })
const admin = ['admin'] as const
const registryWrite = ['state:read', 'state:write', 'audit:write'] as const
const caseParams = z.strictObject({ caseId: CaseId })
const packageRead = ['state:read', 'audit:write', 'sealed:read'] as const
/** A case write reads and writes state, seals packages, signs, encrypts and sends messages. */
const caseWrite = [
  'state:read',
  'state:write',
  'audit:write',
  'inbox:write',
  'staging:read',
  'sealed:write',
  'signer:sign',
  'vault:seal',
  'vault:open',
] as const
const calendarParams = z.strictObject({
  year: z
    .string()
    .regex(/^\d{4}$/, { error: 'must be a year from 2000 to 2100' })
    .transform(Number)
    .pipe(CalendarYear),
})

/** Every route of the exchange, declared once. */
export const routes = {
  getExchangeConfiguration: route({
    method: 'GET',
    path: '/.well-known/exchange-configuration',
    handler: 'discovery/get-exchange-configuration',
    auth: 'public',
    summary: 'How to talk to this exchange: issuer, keys, token rules.',
    tag: 'Discovery',
    response: ExchangeConfiguration,
    grants: [],
  }),
  getJwks: route({
    method: 'GET',
    path: '/.well-known/jwks.json',
    handler: 'discovery/get-jwks',
    auth: 'public',
    summary: "The exchange's public keys for receipts, seals, notices and checkpoints.",
    tag: 'Discovery',
    response: ExchangeJwks,
    grants: ['signer:public'],
  }),
  getHealth: route({
    method: 'GET',
    path: '/v1/health',
    handler: 'discovery/get-health',
    auth: 'public',
    summary: 'Liveness of the exchange.',
    tag: 'Discovery',
    response: Health,
    grants: [],
  }),
  getOpenApi: route({
    method: 'GET',
    path: '/openapi.json',
    handler: 'discovery/get-openapi',
    auth: 'public',
    summary: 'This OpenAPI 3.1 document.',
    tag: 'Discovery',
    response: z.record(z.string(), z.unknown()),
    grants: [],
  }),
  getDocs: route({
    method: 'GET',
    path: '/docs',
    handler: 'discovery/get-docs',
    auth: 'public',
    summary: 'The API reference for people, rendered from the OpenAPI document.',
    tag: 'Discovery',
    response: 'html',
    grants: [],
  }),
  putParticipant: route({
    method: 'PUT',
    path: '/v1/participants/{id}',
    handler: 'registry/put-participant',
    auth: 'participant',
    roles: admin,
    summary: 'Register a participant or replace its description (admin).',
    tag: 'Registry',
    params: registeredParticipantParams,
    body: ParticipantInput,
    response: Participant,
    creates: true,
    grants: registryWrite,
  }),
  putParticipantJwks: route({
    method: 'PUT',
    path: '/v1/participants/{id}/jwks',
    handler: 'registry/put-participant-jwks',
    auth: 'participant',
    summary: 'Rotate your own keys, with a token signed by a key you hold now.',
    tag: 'Registry',
    params: participantParams,
    body: z.strictObject({ jwks: PublicJwks }).meta({ id: 'KeyRotation' }),
    response: Participant,
    grants: registryWrite,
  }),
  suspendParticipant: route({
    method: 'POST',
    path: '/v1/participants/{id}/suspend',
    handler: 'registry/suspend-participant',
    auth: 'participant',
    roles: admin,
    summary: 'Suspend a participant; its next request is refused with 403 suspended (admin).',
    tag: 'Registry',
    params: registeredParticipantParams,
    response: Participant,
    grants: registryWrite,
  }),
  reinstateParticipant: route({
    method: 'POST',
    path: '/v1/participants/{id}/reinstate',
    handler: 'registry/reinstate-participant',
    auth: 'participant',
    roles: admin,
    summary: 'Reinstate a suspended participant (admin).',
    tag: 'Registry',
    params: registeredParticipantParams,
    response: Participant,
    grants: registryWrite,
  }),
  listParticipants: route({
    method: 'GET',
    path: '/v1/participants',
    handler: 'registry/list-participants',
    auth: 'participant',
    summary: 'List participants by id.',
    tag: 'Registry',
    query: ListQuery,
    response: ParticipantList,
    grants: ['state:read'],
  }),
  getParticipant: route({
    method: 'GET',
    path: '/v1/participants/{id}',
    handler: 'registry/get-participant',
    auth: 'participant',
    summary: 'Read one participant.',
    tag: 'Registry',
    params: participantParams,
    response: Participant,
    grants: ['state:read'],
  }),
  putItem: route({
    method: 'PUT',
    path: '/v1/items/{code}',
    handler: 'registry/put-item',
    auth: 'participant',
    roles: admin,
    summary: 'Put an item into the catalogue or revise it (admin).',
    tag: 'Registry',
    params: z.strictObject({ code: ItemCode }),
    body: ItemInput,
    response: Item,
    creates: true,
    grants: registryWrite,
  }),
  listItems: route({
    method: 'GET',
    path: '/v1/items',
    handler: 'registry/list-items',
    auth: 'participant',
    summary: 'List the item catalogue by code.',
    tag: 'Registry',
    query: ListQuery,
    response: ItemList,
    grants: ['state:read'],
  }),
  getItem: route({
    method: 'GET',
    path: '/v1/items/{code}',
    handler: 'registry/get-item',
    auth: 'participant',
    summary: 'Read one item.',
    tag: 'Registry',
    params: z.strictObject({ code: ItemCode }),
    response: Item,
    grants: ['state:read'],
  }),
  putAgreement: route({
    method: 'PUT',
    path: '/v1/agreements/{id}',
    handler: 'registry/put-agreement',
    auth: 'participant',
    roles: admin,
    summary: 'Record which parties may hand which items to each other (admin).',
    tag: 'Registry',
    params: z.strictObject({ id: AgreementId }),
    body: AgreementInput,
    response: Agreement,
    creates: true,
    grants: registryWrite,
  }),
  listAgreements: route({
    method: 'GET',
    path: '/v1/agreements',
    handler: 'registry/list-agreements',
    auth: 'participant',
    summary: 'List agreements by id.',
    tag: 'Registry',
    query: ListQuery,
    response: AgreementList,
    grants: ['state:read'],
  }),
  getAgreement: route({
    method: 'GET',
    path: '/v1/agreements/{id}',
    handler: 'registry/get-agreement',
    auth: 'participant',
    summary: 'Read one agreement.',
    tag: 'Registry',
    params: z.strictObject({ id: AgreementId }),
    response: Agreement,
    grants: ['state:read'],
  }),
  putCalendar: route({
    method: 'PUT',
    path: '/v1/calendar/{year}',
    handler: 'calendar/put-calendar',
    auth: 'participant',
    roles: admin,
    summary: "Correct a year's holidays and make-up working days, e.g. once published (admin).",
    tag: 'Clock',
    params: calendarParams,
    body: CalendarCorrection,
    response: Calendar,
    creates: true,
    grants: registryWrite,
  }),
  getCalendar: route({
    method: 'GET',
    path: '/v1/calendar/{year}',
    handler: 'calendar/get-calendar',
    auth: 'participant',
    summary: "The working-day calendar deadlines count with: the admin's correction, else the built-in one.",
    tag: 'Clock',
    params: calendarParams,
    response: Calendar,
    grants: ['state:read'],
  }),
  pullMessages: route({
    method: 'POST',
    path: '/v1/inbox/pull',
    handler: 'inbox/pull-messages',
    auth: 'participant',
    summary:
      'Lease up to `max` of your longest-waiting messages for `leaseSeconds`; send `{}` for the ' +
      'defaults. Per case only the oldest unacked message is handed out; one not acked within its lease ' +
      'comes back with deliveryCount + 1.',
    tag: 'Inbox',
    body: PullRequest,
    response: PulledMessages,
    grants: ['inbox:read-write'],
  }),
  ackMessages: route({
    method: 'POST',
    path: '/v1/inbox/ack',
    handler: 'inbox/ack-messages',
    auth: 'participant',
    summary:
      'Remove the messages your leases hold; each ack is an audit event. A lease that no longer holds ' +
      'its message (acked, expired and leased again, not yours) counts as stale, never as an error.',
    tag: 'Inbox',
    body: AckRequest,
    response: AckResult,
    grants: ['inbox:read-write', 'audit:write'],
  }),
  createUploads: route({
    method: 'POST',
    path: '/v1/uploads',
    handler: 'documents/create-uploads',
    auth: 'participant',
    roles: ['accepting', 'home'],
    summary:
      'Announce up to 50 files (each at most 50 MiB) by name, type, size and SHA-256; each answer is a URL ' +
      'that takes exactly those bytes with `PUT` and exactly the given `headers` for 15 minutes. List the ' +
      'documentIds in a manifest to seal them; uploads no manifest names are deleted after a day.',
    tag: 'Documents',
    body: UploadRequest,
    response: UploadList,
    creates: true,
    grants: ['state:write', 'audit:write', 'staging:write'],
  }),
  listPackages: route({
    method: 'GET',
    path: '/v1/cases/{caseId}/packages',
    handler: 'documents/list-packages',
    auth: 'participant',
    summary:
      "A case's sealed packages, oldest first: parties get download URLs (15 minutes), auditors the same " +
      'without URLs. Each package read is an audit event.',
    tag: 'Documents',
    params: caseParams,
    response: PackageList,
    grants: packageRead,
  }),
  getPackage: route({
    method: 'GET',
    path: '/v1/cases/{caseId}/packages/{packageId}',
    handler: 'documents/get-package',
    auth: 'participant',
    summary:
      'One sealed package: the manifest as signed, the exchange seal over it, and its documents with ' +
      'download URLs for parties (15 minutes). The read is an audit event.',
    tag: 'Documents',
    params: z.strictObject({ caseId: CaseId, packageId: PackageId }),
    response: PackageView,
    grants: packageRead,
  }),
  submitCase: route({
    method: 'POST',
    path: '/v1/cases',
    handler: 'cases/submit-case',
    auth: 'participant',
    roles: ['accepting'],
    summary:
      'Hand a case to its home(s): one home for online and proxy cases, two or more for joint processing. ' +
      'The manifest is verified and its documents sealed; the answer carries the signed receipt. The same ' +
      'acceptingRef with the same body answers 200 with the same answer; with another body, 409.',
    tag: 'Cases',
    body: CaseSubmission,
    response: SubmissionAnswer,
    creates: true,
    grants: caseWrite,
  }),
  listCases: route({
    method: 'GET',
    path: '/v1/cases',
    handler: 'cases/list-cases',
    auth: 'participant',
    summary: 'Your own cases in one role, newest first; a home sees its own legs.',
    tag: 'Cases',
    query: CaseQuery,
    response: CaseList,
    grants: ['state:read', 'state:by-party'],
  }),
  getCase: route({
    method: 'GET',
    path: '/v1/cases/{caseId}',
    handler: 'cases/get-case',
    auth: 'participant',
    summary: "A case and its legs, for its parties; auditors see the applicant's personal data masked.",
    tag: 'Cases',
    params: caseParams,
    response: CaseView,
    grants: ['state:read', 'vault:open'],
  }),
  transitionLeg: route({
    method: 'POST',
    path: '/v1/cases/{caseId}/legs/{home}/transitions',
    handler: 'cases/transition-leg',
    auth: 'participant',
    roles: ['accepting', 'home'],
    summary:
      "Move one home's leg: approve-intake, reject-intake, accept, request-supplement, resubmit, approve, " +
      'reject, deliver or withdraw, with the version you read. A retry of an applied request answers the same.',
    tag: 'Cases',
    params: z.strictObject({ caseId: CaseId, home: ParticipantId }),
    body: TransitionRequest,
    response: TransitionAnswer,
    grants: caseWrite,
  }),
  getLatestCheckpoint: route({
    method: 'GET',
    path: '/v1/audit/checkpoints/latest',
    handler: 'audit/get-latest-checkpoint',
    auth: 'participant',
    summary:
      "The log's latest signed tree head, an `exchange-checkpoint+jwt` over { treeSize, rootHash } (aud: the " +
      'exchange id). A new checkpoint only ever extends the previous one; the log is checkpointed every ' +
      'minute. 404 before the first checkpoint.',
    tag: 'Audit',
    response: LatestCheckpoint,
    refuses: ['not-found'],
    grants: ['audit:tree-read'],
  }),
  getInclusionProof: route({
    method: 'GET',
    path: '/v1/audit/proofs/{eventId}',
    handler: 'audit/get-inclusion-proof',
    auth: 'participant',
    summary:
      "An event's RFC 9162 inclusion proof against the latest checkpoint (verify with the leaf hash of the " +
      "event's `hash` bytes). Auditors may ask for any event, others for the events of their own cases; " +
      'anything else, and an event not in a checkpoint yet, answers 404.',
    tag: 'Audit',
    params: z.strictObject({ eventId: EventId }),
    response: InclusionProof,
    grants: ['audit:tree-read', 'audit:by-event', 'state:read'],
  }),
  queryEvents: route({
    method: 'GET',
    path: '/v1/audit/events',
    handler: 'audit/query-events',
    auth: 'participant',
    summary:
      'Audit events by case, acting participant, action and time (`from` inclusive, `to` exclusive), oldest ' +
      'first (a case in chain order). Auditors see every event; others the events of cases they are party to ' +
      '(`caseId`, else 404) and their own actions, and an empty page for another participant. A time range ' +
      "alone (auditors) needs `from` and is read day by day; each page reads a bounded number of the log's " +
      'items, so it may hold fewer than `limit` events and still have a `nextCursor`.',
    tag: 'Audit',
    query: EventQuery,
    response: AuditEventList,
    refuses: ['not-found'],
    grants: ['audit:read', 'audit:by-actor', 'audit:by-action', 'audit:by-day', 'state:read'],
  }),
  exportAudit: route({
    method: 'GET',
    path: '/v1/audit/export',
    handler: 'audit/export-audit',
    auth: 'participant',
    roles: ['auditor'],
    summary:
      'The log as NDJSON (`application/x-ndjson`, format exchange-audit-export/1, docs/audit-export.md) that ' +
      '`npm run exchange -- audit verify <file>` checks offline: a header with the exchange keys, every ' +
      'checkpoint, then the events in the latest checkpoint (all of them, or with `from`/`to` those of the ' +
      'window, each with its inclusion proof). Long exports come in parts: while `x-next-cursor` (and a ' +
      '`Link: rel="next"`) is present, fetch it with the same from and to and append the body.',
    tag: 'Audit',
    query: ExportQuery,
    response: 'ndjson',
    responseHeaders: {
      'x-next-cursor': 'The `cursor` of the next part of the export; absent on the last part.',
      Link: 'The URL of the next part, as `<url>; rel="next"`; absent on the last part.',
    },
    grants: ['audit:read', 'audit:by-day', 'audit:by-event', 'audit:tree-read', 'signer:public'],
  }),
  getConsistencyProof: route({
    method: 'GET',
    path: '/v1/audit/consistency',
    handler: 'audit/get-consistency-proof',
    auth: 'participant',
    summary:
      'The RFC 9162 consistency proof that the tree of the first `from` events is a prefix of the tree of the ' +
      'first `to` (1 <= from <= to, else 422). A `to` past the latest checkpoint is a tree the log has not ' +
      'signed: 404.',
    tag: 'Audit',
    query: ConsistencyQuery,
    response: ConsistencyProof,
    refuses: ['not-found'],
    grants: ['audit:tree-read'],
  }),
  getStats: route({
    method: 'GET',
    path: '/v1/stats',
    handler: 'supervision/get-stats',
    auth: 'participant',
    summary:
      'Per home, accepting participant, item or pair: legs submitted, accepted, approved, rejected, withdrawn, ' +
      'delivered and flagged overdue on the Beijing days from `from` to `to` (at most 366), the on-time rate ' +
      'of the decisions made on them and their median working days from acceptance (supplement pauses ' +
      'excluded). Auditors and the admin see every leg, others the legs they are a party to. Counted from the ' +
      'audit log by a job every minute.',
    tag: 'Supervision',
    query: StatsQuery,
    response: Statistics,
    grants: ['state:read'],
  }),
  listSupervisedLegs: route({
    method: 'GET',
    path: '/v1/supervision/legs',
    handler: 'supervision/list-legs',
    auth: 'participant',
    roles: ['auditor', 'admin'],
    summary:
      'Legs past their deadline and undecided (`state=overdue`), or with one working day or less left ' +
      '(`state=warning`), in deadline order, for supervisors (电子监察). Parties see the same flags on their ' +
      'own legs in GET /v1/cases and get the notices in their inbox.',
    tag: 'Supervision',
    query: SupervisionQuery,
    response: SupervisedLegList,
    grants: ['state:read', 'state:by-deadline'],
  }),
} as const

/** The authorizer's module: it runs before every `participant` route. */
export const authorizerHandler = 'authorizer'

/** The authorizer reads the registry and spends token ids. */
export const authorizerGrants: readonly Grant[] = ['state:read', 'nonces:write']

/** Every route as a list, for the stack, the gateway and the OpenAPI document. */
export const routeList: readonly Route[] = Object.values(routes)
