import middy from '@middy/core'
import type { Context } from 'aws-lambda'
import type * as z from 'zod'
import { DomainError, type FieldError } from '#shared/errors.js'
import { Role } from '#shared/registry/participant.js'
import type { Principal } from '#shared/trust/principal.js'
import { describeError, log } from '../logger.js'
import type { HttpEvent, HttpResponse } from './http-event.js'
import { problemResponse, unavailable } from './problem.js'
import type { Route } from './routes.js'

/** JSON bodies larger than this are refused with 413 before parsing. */
export const maxBodyBytes = 1024 * 1024

type Infer<S> = [Exclude<S, undefined>] extends [never] ? undefined : z.output<Exclude<S, undefined>>

/** What a handler gets: the validated request and, on authenticated routes, the caller. */
export type HttpRequest<R extends Route> = {
  params: Infer<R['params']>
  query: Infer<R['query']>
  body: Infer<R['body']>
  caller: R['auth'] extends 'participant' ? Principal : undefined
  /** The URL the caller used to reach the API, for documents that link back to it. */
  baseUrl: string
}

/**
 * What a handler answers: a body (the text itself for `html` and `ndjson` routes), for upserts
 * whether it created the resource, and for a body in parts the cursor of the next part.
 */
export type Reply = { body: unknown; created?: boolean; nextCursor?: string | undefined }

/** Where the next part of a body in parts is: the same request with the cursor (`x-next-cursor` and a Link). */
const nextPartHeaders = (route: Route, event: HttpEvent, baseUrl: string, cursor: string | undefined) => {
  if (cursor === undefined) return {}
  const query = new URLSearchParams(event.rawQueryString ?? '')
  query.set('cursor', cursor)
  return { 'x-next-cursor': cursor, link: `<${baseUrl}${event.rawPath ?? route.path}?${query}>; rel="next"` }
}

/** The media type of each kind of answer that is not JSON. */
const textTypes = { html: 'text/html; charset=utf-8', ndjson: 'application/x-ndjson' } as const

type Internal = { requestId: string; startedAt: number; caller: string | undefined }

/** The validated request of each event in flight, handed from the middleware to the handler. */
const validated = new WeakMap<HttpEvent, unknown>()

const pointer = (path: readonly PropertyKey[]) => `/${path.map(String).join('/')}`

/** Every issue zod found, each unknown member named on its own so a caller sees all of them at once. */
const fieldErrors = (error: z.ZodError, prefix: string): FieldError[] =>
  error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: `${prefix}${pointer([...issue.path, key])}`,
          message: 'unknown field',
        }))
      : [{ path: `${prefix}${issue.path.length === 0 ? '' : pointer(issue.path)}`, message: issue.message }],
  )

const validate = <S extends z.ZodType | undefined>(schema: S, value: unknown, where: string): Infer<S> => {
  if (schema === undefined) return undefined as Infer<S>
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data as Infer<S>
  throw new DomainError('validation-failed', `The request ${where} is not valid.`, {
    errors: fieldErrors(parsed.error, where === 'body' ? '' : `/${where}`),
  })
}

const header = (event: HttpEvent, name: string) => event.headers?.[name]

/** Size, media type and syntax of a JSON body, in the order a client would fix them. */
const readJson = (event: HttpEvent): unknown => {
  const raw = event.body ?? ''
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8')
  if (bytes.length > maxBodyBytes) {
    throw new DomainError('payload-too-large', `JSON bodies are limited to ${maxBodyBytes} bytes.`)
  }
  const mediaType = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase()
  if (mediaType !== 'application/json') {
    throw new DomainError('unsupported-media-type', 'Send the body as application/json.')
  }
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new DomainError('malformed-json', 'The body is not valid JSON.')
  }
}

/** The caller the authorizer proved, or the refusal it reached. */
const identify = (route: Route, event: HttpEvent): Principal | undefined => {
  if (route.auth === 'public') return undefined
  const verdict = event.requestContext.authorizer?.lambda
  if (verdict === undefined)
    throw new DomainError('unauthenticated', 'The request carries no verified token.')
  if (verdict.verdict === 'unavailable') throw unavailable(verdict.detail)
  if (verdict.verdict !== 'ok') throw new DomainError(verdict.verdict, verdict.detail)
  const roles = verdict.roles.split(',').flatMap((role) => {
    const parsed = Role.safeParse(role)
    return parsed.success ? [parsed.data] : []
  })
  if (route.roles !== undefined && !route.roles.some((role) => roles.includes(role))) {
    throw new DomainError('forbidden', `This operation needs the role ${route.roles.join(' or ')}.`)
  }
  return { participant: verdict.participant, sub: verdict.sub, roles }
}

const baseUrlOf = (event: HttpEvent) =>
  `${header(event, 'x-forwarded-proto') ?? 'https'}://${header(event, 'host') ?? event.requestContext.domainName}`

/**
 * The one middy stack every HTTP function shares: identify the caller, check the route's role,
 * parse and validate params, query and body against the route's schemas, run the handler, and turn
 * every refusal into problem+json. Anything unexpected is logged without input and answered 503.
 */
export const httpHandler = <R extends Route>(
  route: R,
  run: (request: HttpRequest<R>) => Promise<Reply>,
): middy.MiddyfiedHandler<HttpEvent, HttpResponse, Error, Context, Internal> =>
  middy<HttpEvent, HttpResponse, Error, Context, Internal>()
    .use({
      before: (request) => {
        const { event } = request
        request.internal.requestId = event.requestContext.requestId
        request.internal.startedAt = Date.now()
        const caller = identify(route, event)
        request.internal.caller = caller?.participant
        validated.set(event, {
          params: validate(route.params, event.pathParameters ?? {}, 'params'),
          query: validate(route.query, event.queryStringParameters ?? {}, 'query'),
          body: route.body === undefined ? undefined : validate(route.body, readJson(event), 'body'),
          caller,
          baseUrl: baseUrlOf(event),
        })
      },
      after: (request) => logOutcome(route, request.internal, request.response?.statusCode ?? 0),
      onError: (request) => {
        const { error } = request
        const refusal = error instanceof DomainError ? error : unavailable(error)
        if (!(error instanceof DomainError))
          log('error', 'request failed', { route: route.path, ...describeError(error) })
        request.response = problemResponse(refusal, request.event.requestContext.requestId)
        logOutcome(route, request.internal, request.response.statusCode)
      },
    })
    .handler(async (event) => {
      const request = validated.get(event) as HttpRequest<R>
      const reply = await run(request)
      const headers = nextPartHeaders(route, event, request.baseUrl, reply.nextCursor)
      return route.response === 'html' || route.response === 'ndjson'
        ? {
            statusCode: 200,
            headers: { ...headers, 'content-type': textTypes[route.response] },
            body: String(reply.body),
          }
        : {
            statusCode: route.creates === true && reply.created === true ? 201 : 200,
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(reply.body),
          }
    })

const logOutcome = (route: Route, internal: Partial<Internal>, status: number) =>
  log('info', 'request', {
    route: `${route.method} ${route.path}`,
    status,
    requestId: internal.requestId,
    participant: internal.caller,
    durationMs: internal.startedAt === undefined ? undefined : Date.now() - internal.startedAt,
  })
