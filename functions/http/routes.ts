import * as z from 'zod'
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
  | 'state:write'
  | 'audit:write'
  | 'nonces:write'
  | 'signer:public'
  | 'signer:sign'

type Schema = z.ZodType
type ObjectSchema = z.ZodObject

/** One HTTP route: what the API Gateway deploys, the local gateway serves and OpenAPI documents. */
export type Route<
  A extends 'public' | 'participant' = 'public' | 'participant',
  P extends ObjectSchema | undefined = ObjectSchema | undefined,
  Q extends ObjectSchema | undefined = ObjectSchema | undefined,
  B extends Schema | undefined = Schema | undefined,
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
  tag: 'Discovery' | 'Registry'
  params?: P
  query?: Q
  body?: B
  /** The success body (JSON), or `html` for pages meant for people. */
  response: Schema | 'html'
  /** Whether a success may be `201 Created` (upserts) rather than always `200`. */
  creates?: boolean
  grants: readonly Grant[]
}

const route = <
  A extends 'public' | 'participant',
  P extends ObjectSchema | undefined,
  Q extends ObjectSchema | undefined,
  B extends Schema | undefined,
>(
  definition: Route<A, P, Q, B>,
) => definition

const participantParams = z.strictObject({ id: ParticipantId })
const registeredParticipantParams = z.strictObject({ id: RegisteredParticipantId })
const admin = ['admin'] as const
const registryWrite = ['state:read', 'state:write', 'audit:write'] as const

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
} as const

/** The authorizer's module: it runs before every `participant` route. */
export const authorizerHandler = 'authorizer'

/** The authorizer reads the registry and spends token ids. */
export const authorizerGrants: readonly Grant[] = ['state:read', 'nonces:write']

/** Every route as a list, for the stack, the gateway and the OpenAPI document. */
export const routeList: readonly Route[] = Object.values(routes)
