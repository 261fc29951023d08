import { randomUUID } from 'node:crypto'
import { channel } from 'node:diagnostics_channel'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda'
import type { HttpEvent, HttpResponse, Verdict } from '#functions/http/http-event.js'
import { problemResponse } from '#functions/http/problem.js'
import { authorizerHandler, type Route, routeList } from '#functions/http/routes.js'
import { DomainError } from '#shared/errors.js'

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResponse>
type Authorizer = (event: APIGatewayRequestAuthorizerEventV2) => Promise<{ context: Verdict }>

/** A route as API Gateway names it: method and path template, e.g. `GET /v1/cases/{caseId}`. */
export const routeKeyOf = (route: Route) => `${route.method} ${route.path}`

/** What `routeServed` carries: the route whose handler answered a request, and its status. */
export type RouteServed = { routeKey: string; statusCode: number }

/**
 * Where the gateway tells which route answered each request, for whoever listens: the test suite
 * checks that every route answered some test with success. Without a subscriber it costs nothing.
 */
export const routeServed = channel('exchange:local-gateway:route-served')

/** API Gateway's own limit on request bodies; the functions enforce the contract's 1 MiB. */
const gatewayMaxBytes = 10 * 1024 * 1024

const compile = (route: Route) => {
  const names: string[] = []
  const source = route.path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_match, name: string) => {
    names.push(name)
    return '([^/]+)'
  })
  return { route, names, pattern: new RegExp(`^${source}$`) }
}

const lambdaContext = (requestId: string, name: string): Context => ({
  awsRequestId: requestId,
  functionName: name,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
  memoryLimitInMB: '512',
  logGroupName: `/aws/lambda/${name}`,
  logStreamName: 'local',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 29_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
})

const readBody = async (request: IncomingMessage): Promise<Buffer | 'too-large'> => {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > gatewayMaxBytes) return 'too-large'
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/** Like API Gateway: text bodies pass as they are, anything else base64-encoded. */
const bodyOf = (body: Buffer, contentType: string | undefined) => {
  if (body.length === 0) return { isBase64Encoded: false }
  const text = /^(text\/|application\/([\w.+-]*\+)?json)/i.test(contentType ?? '')
  return text
    ? { body: body.toString('utf8'), isBase64Encoded: false }
    : { body: body.toString('base64'), isBase64Encoded: true }
}

/** Request headers as API Gateway passes them: lower-case names, repeated values joined by commas. */
const headersOf = (request: IncomingMessage) =>
  Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name.toLowerCase(), Array.isArray(value) ? value.join(',') : value]],
    ),
  ) as Record<string, string>

/**
 * The local stand-in for the HTTP API: turns each request into the same payload 2.0 events API
 * Gateway sends, runs the same authorizer and handler modules the Lambdas run, and writes back
 * their response. Handlers load from `functions/http/<module>.ts` the first time a route is hit.
 */
export const createGateway = (load: (module: string) => Promise<{ handler: unknown }>): Server => {
  const compiled = routeList.map(compile)
  const handlers = new Map<string, Promise<unknown>>()
  const handlerOf = async <T>(module: string) => {
    if (!handlers.has(module))
      handlers.set(
        module,
        load(module).then((loaded) => loaded.handler),
      )
    return (await handlers.get(module)) as T
  }

  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    const requestId = randomUUID()
    const url = new URL(request.url ?? '/', 'http://local')
    const method = request.method ?? 'GET'
    const send = (reply: HttpResponse) => {
      response.writeHead(reply.statusCode, { ...reply.headers, 'apigw-requestid': requestId })
      response.end(reply.body)
    }
    const match = compiled
      .filter(({ route }) => route.method === method)
      .map((candidate) => ({ ...candidate, found: candidate.pattern.exec(url.pathname) }))
      .find(({ found }) => found !== null)
    if (match?.found == null) {
      send(problemResponse(new DomainError('not-found', 'No route matches this method and path.'), requestId))
      return
    }
    const body = await readBody(request)
    if (body === 'too-large') {
      send(problemResponse(new DomainError('payload-too-large', 'The request body is too large.'), requestId))
      return
    }
    // API Gateway tells the function how the caller reached it; locally that is plain HTTP.
    const headers: Record<string, string> = { ...headersOf(request), 'x-forwarded-proto': 'http' }
    const now = new Date()
    const query = [...url.searchParams.keys()]
    const routeKey = routeKeyOf(match.route)
    const common = {
      version: '2.0',
      routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      ...(query.length === 0
        ? {}
        : {
            queryStringParameters: Object.fromEntries(
              query.map((k) => [k, url.searchParams.getAll(k).join(',')]),
            ),
          }),
      ...(match.names.length === 0
        ? {}
        : {
            pathParameters: Object.fromEntries(
              match.names.map((name, i) => [name, decodeURIComponent(match.found?.[i + 1] ?? '')]),
            ),
          }),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'localhost',
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${request.httpVersion}`,
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
    }
    let authorizer: { lambda: Verdict } | undefined
    if (match.route.auth === 'participant') {
      const authorize = await handlerOf<Authorizer>(authorizerHandler)
      const { context } = await authorize({
        ...common,
        type: 'REQUEST',
        routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${method}${url.pathname}`,
        identitySource: [],
      } as unknown as APIGatewayRequestAuthorizerEventV2)
      authorizer = { lambda: context }
    }
    const event = {
      ...common,
      requestContext: { ...common.requestContext, ...(authorizer === undefined ? {} : { authorizer }) },
      ...bodyOf(body, headers['content-type']),
    } as unknown as HttpEvent
    const handler = await handlerOf<Handler>(match.route.handler)
    const reply = await handler(event, lambdaContext(requestId, match.route.handler))
    // Told before the answer leaves, so a test run cannot end before its last request is counted.
    routeServed.publish({ routeKey, statusCode: reply.statusCode } satisfies RouteServed)
    send(reply)
  }

  return createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      console.error('local gateway failed', error)
      if (!response.headersSent) {
        response.writeHead(502, { 'content-type': 'application/json' })
        response.end('{"message":"Internal Server Error"}')
      }
    })
  })
}
