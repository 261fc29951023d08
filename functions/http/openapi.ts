import * as z from 'zod'
import { type ErrorCode, errorCodes } from '#shared/errors.js'
import { maxBodyBytes } from './http-handler.js'
import { statusOf } from './problem.js'
import type { Route } from './routes.js'

type JsonSchema = Record<string, unknown>

const componentUri = (id: string) => `#/components/schemas/${id}`

/** Every schema that carries an id, as OpenAPI components (JSON Schema 2020-12, as OAS 3.1 uses). */
const components = (): Record<string, JsonSchema> => {
  const { schemas } = z.toJSONSchema(z.globalRegistry, { uri: componentUri, unrepresentable: 'any' })
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema as JsonSchema]),
  )
}

/**
 * zod refers to the registered schemas an inline one uses under its own `$defs`, which resolve
 * against the document's root once inlined; every registered schema is a component, so point there.
 */
const toComponentRefs = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(toComponentRefs)
  if (typeof node !== 'object' || node === null) return node
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string'
        ? value.replace(/^#\/\$defs\/(.+)$/, (_match, id: string) => componentUri(id))
        : toComponentRefs(value),
    ]),
  )
}

/** A reference to a registered schema, or the schema inline when it has no id. */
const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const id = z.globalRegistry.get(schema)?.id
  if (id !== undefined) return { $ref: componentUri(id) }
  const {
    $schema: _s,
    $defs: _d,
    ...inline
  } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema
  return toComponentRefs(inline) as JsonSchema
}

const parameters = (route: Route) =>
  (['params', 'query'] as const).flatMap((where) =>
    Object.entries(route[where]?.shape ?? {}).map(([name, field]) => ({
      name,
      in: where === 'params' ? 'path' : 'query',
      required: where === 'params' || !(field as z.ZodType).safeParse(undefined).success,
      schema: schemaOf(field as z.ZodType, 'input'),
    })),
  )

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: componentUri('Problem') } } },
})

/** The refusals a route can answer, from what it declares: auth, roles, params, body. */
const refusals = (route: Route) => {
  // The API stage's throttle (infra/exchange-stack.ts) covers every route, public ones too.
  const codes = new Set<ErrorCode>(['unavailable', 'rate-limited'])
  const add = (...list: ErrorCode[]) => {
    for (const code of list) codes.add(code)
  }
  if (route.auth === 'participant') add('unauthenticated', 'suspended')
  if (route.roles !== undefined || route.path.endsWith('/jwks')) add('forbidden')
  if (route.params !== undefined) add('not-found', 'validation-failed')
  if (route.query !== undefined) add('validation-failed')
  if (route.body !== undefined)
    add('malformed-json', 'unsupported-media-type', 'payload-too-large', 'validation-failed')
  add(...(route.refuses ?? []))
  const byStatus = new Map<number, string[]>()
  for (const code of codes) byStatus.set(statusOf[code], [...(byStatus.get(statusOf[code]) ?? []), code])
  return Object.fromEntries([...byStatus].map(([status, list]) => [String(status), problem(list.join(', '))]))
}

const success = (route: Route) => {
  const content =
    route.response === 'html'
      ? { 'text/html': { schema: { type: 'string' } } }
      : route.response === 'ndjson'
        ? { 'application/x-ndjson': { schema: { type: 'string' } } }
        : { 'application/json': { schema: schemaOf(route.response, 'output') } }
  const headers =
    route.responseHeaders === undefined
      ? {}
      : {
          headers: Object.fromEntries(
            Object.entries(route.responseHeaders).map(([name, description]) => [
              name,
              { description, schema: { type: 'string' } },
            ]),
          ),
        }
  return {
    '200': { description: 'OK', content, ...headers },
    ...(route.creates === true ? { '201': { description: 'Created', content } } : {}),
  }
}

const operation = (route: Route) => ({
  operationId: route.handler.split('/').at(-1),
  tags: [route.tag],
  summary: route.summary,
  ...(route.roles === undefined ? {} : { description: `Needs the role: ${route.roles.join(' or ')}.` }),
  ...(route.auth === 'public' ? { security: [] } : {}),
  parameters: parameters(route),
  ...(route.body === undefined
    ? {}
    : {
        requestBody: {
          required: true,
          description: `JSON, at most ${maxBodyBytes} bytes; unknown fields are refused.`,
          content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
        },
      }),
  responses: { ...success(route), ...refusals(route) },
})

/** What each tag of the route table groups, in the order the reference lists them. */
const tagDescriptions = {
  Discovery:
    "What a partner reads before its first call, without a token: the exchange's configuration and " +
    'public keys, its health and this document.',
  Registry:
    'Participants and their keys, the item catalogue, and the agreements that say which parties may hand ' +
    'which items to each other. The admin writes them; a participant rotates its own keys.',
  Clock: 'The mainland working-day calendar on which legal time limits are counted.',
  Inbox:
    'Messages for each participant (a case handed over, a leg moved, a deadline near or past), pulled ' +
    'under a lease and acked.',
  Documents: 'Uploads of scanned files, and the packages the exchange seals from a signed manifest.',
  Cases: "Handing a case to its home districts, and moving each home's leg to its decision and delivery.",
  Audit:
    'The hash-chained audit log: its events, signed checkpoints, inclusion and consistency proofs, and ' +
    'an export that verifies offline.',
  Supervision: 'Statistics, and the legs past or near their deadline, for supervisors (电子监察).',
} as const satisfies Record<Route['tag'], string>

/** The OpenAPI 3.1 document of the exchange, built from the route table and the zod schemas. */
export const openApiDocument = (routes: readonly Route[], about: { version: string; serverUrl: string }) => {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cross-region service exchange (跨区域通办)',
      version: about.version,
      description:
        'Partner regions hand cases to the home districts that have jurisdiction; every call is signed ' +
        'with a short-lived `exchange-req+jwt` (ES256 or EdDSA) by a key registered for the caller. ' +
        `Errors are problem+json with a stable \`code\`: ${errorCodes.map((c) => `${c} ${statusOf[c]}`).join(', ')}.`,
    },
    servers: [{ url: about.serverUrl }],
    security: [{ exchangeToken: [] }],
    tags: Object.entries(tagDescriptions).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: components(),
      securitySchemes: {
        exchangeToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A compact JWS: header {alg: ES256|EdDSA, kid, typ: exchange-req+jwt}; claims iss (your participant ' +
            'id), sub, aud (the exchange id), iat, exp (exp - iat <= 300), jti (single use).',
        },
      },
    },
  }
}
