import type * as z from 'zod'
import { type Route, routes } from '#functions/http/routes.js'
import { errorCodes } from '#shared/errors.js'
import { ExchangeProblem, UntrustedAnswer } from './client-errors.js'
import { type ParticipantKey, requestToken } from './request-token.js'

type Routes = typeof routes

/** A route of the exchange by the name the route table gives it (`submitCase`, `pullMessages`, …). */
export type RouteName = keyof Routes

type Schema<R, K extends 'params' | 'query' | 'body'> =
  R extends Record<K, infer S> ? ([NonNullable<S>] extends [never] ? never : NonNullable<S>) : never

type Part<R, K extends 'params' | 'query' | 'body'> = [Schema<R, K>] extends [never]
  ? unknown
  : Schema<R, K> extends z.ZodType
    ? K extends 'query'
      ? { query?: z.input<Schema<R, K>> }
      : { [P in K]: z.input<Schema<R, K>> }
    : unknown

/** What a route takes: its path parameters, query and body, typed from the schemas it declares. */
export type RouteInput<N extends RouteName> = Part<Routes[N], 'params'> &
  Part<Routes[N], 'query'> &
  Part<Routes[N], 'body'>

/** What a route answers on success: the parsed body its schema declares, or text (NDJSON, HTML). */
export type RouteOutput<N extends RouteName> = Routes[N]['response'] extends z.ZodType
  ? z.output<Routes[N]['response']>
  : string

/** A route's success: status, body and the headers worth reading (cursors of paged exports). */
export type RouteAnswer<N extends RouteName> = { status: number; body: RouteOutput<N>; headers: Headers }

/** How hard the client tries again when the exchange is busy or the network fails. */
export type RetryPolicy = {
  /** Tries in all, the first included. */
  attempts: number
  /** The longest wait between tries; a `Retry-After` longer than this gives up instead. */
  maxDelayMs: number
}

export const defaultRetry: RetryPolicy = { attempts: 4, maxDelayMs: 30_000 }

/** Everything a call needs besides the route: where, as whom, and how to wait. */
export type CallContext = {
  baseUrl: string
  audience: string
  key: ParticipantKey
  sub: string
  retry: RetryPolicy
  /** How long one try may take, answer included; a try that takes longer counts as a lost answer. */
  timeoutMs: number
  fetch: typeof fetch
  sleep: (ms: number) => Promise<void>
}

/**
 * Routes whose request, if it reached the exchange and only the answer was lost, must not be sent
 * again: a second pull leases other messages while the first pull's leases hold theirs (they come
 * back after the lease, but late). Every other route is safe to repeat by the contract: reads,
 * upserts (`PUT`), a submission (same `acceptingRef` and body → the same answer), a transition
 * (same request → the same answer), acks (an acked lease is then only `stale`), suspend and
 * reinstate (they set a state), uploads (an unused slot expires after a day).
 */
const notRepeatable: ReadonlySet<RouteName> = new Set(['pullMessages'])

/** Statuses by which the exchange (or its gateway) refused without doing anything: always safe to retry. */
const refusedForNow = new Set([429, 503])

/** Statuses of a gateway that may have run the request and lost the answer: retry only repeatable routes. */
const lostAnswer = new Set([502, 504])

const pathOf = (route: Route, params: Record<string, unknown> | undefined) =>
  route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params?.[name] ?? '')))

const queryOf = (query: Record<string, unknown> | undefined) => {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) search.set(name, String(value))
  }
  const text = search.toString()
  return text === '' ? '' : `?${text}`
}

/** Milliseconds a `Retry-After` header asks for (seconds or an HTTP date), if it asks. */
const retryAfterMs = (headers: Headers, now: number): number | undefined => {
  const value = headers.get('retry-after')
  if (value === null) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/**
 * Exponential backoff with full jitter: a wait of up to 0.25 s before the second try, 0.5 s before
 * the third, 1 s … (on average half of it), never more than `maxMs`. Only a `Retry-After` asking for
 * longer than `maxMs` makes the client give up; its own backoff never does.
 */
const backoffMs = (attempt: number, maxMs: number) =>
  Math.random() * Math.min(maxMs, 250 * 2 ** (attempt - 1))

/** Whether a refusal's body is a problem document of the contract: an object with one of its codes. */
const isProblem = (body: unknown): body is Record<string, unknown> =>
  typeof body === 'object' &&
  body !== null &&
  !Array.isArray(body) &&
  (errorCodes as readonly unknown[]).includes((body as Record<string, unknown>).code)

/**
 * A refusal as a typed problem. A gateway or proxy in front of the exchange answers with bodies of
 * its own (`{"message":"Internal Server Error"}`, HTML); those get the code `unavailable`, so that
 * every `ExchangeProblem` carries one of the contract's codes.
 */
const problemOf = async (response: Response): Promise<ExchangeProblem> => {
  const body: unknown = await response.json().catch(() => undefined)
  if (isProblem(body)) return new ExchangeProblem(response.status, body)
  return new ExchangeProblem(response.status, {
    code: 'unavailable',
    detail: `the exchange answered ${response.status} without a problem document`,
  })
}

const answerOf = <N extends RouteName>(route: Route, text: string): RouteOutput<N> => {
  if (typeof route.response === 'string') return text as RouteOutput<N>
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    value = undefined
  }
  const parsed = route.response.safeParse(value)
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => `/${issue.path.join('/')}`).join(', ')
    throw new UntrustedAnswer(
      'unexpected-answer',
      `the answer does not match the OpenAPI document at ${where}`,
    )
  }
  return parsed.data as RouteOutput<N>
}

/**
 * Calls one route of the exchange: a fresh request token for every try (each `jti` is spent once),
 * the body as JSON, the success parsed against the route's schema, a refusal thrown as a typed
 * `ExchangeProblem`. A busy exchange (429, 503) is tried again after its `Retry-After`; a lost answer
 * (network failure, a success cut off mid-body, 502, 504) is tried again only where repeating the
 * request is harmless.
 */
export const callRoute = async <N extends RouteName>(
  context: CallContext,
  name: N,
  input: RouteInput<N>,
): Promise<RouteAnswer<N>> => {
  const route: Route = routes[name]
  const { params, query, body } = input as {
    params?: Record<string, unknown>
    query?: Record<string, unknown>
    body?: unknown
  }
  const url = `${context.baseUrl}${pathOf(route, params)}${queryOf(query)}`
  const repeatable = !notRepeatable.has(name)
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= context.retry.attempts
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' }
    if (route.auth === 'participant') {
      headers.authorization = `Bearer ${await requestToken(context.key, context.audience, { sub: context.sub })}`
    }
    if (body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    let text: string | undefined
    try {
      response = await context.fetch(url, {
        method: route.method,
        headers,
        signal: AbortSignal.timeout(context.timeoutMs),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      // A success cut off on its way back is as lost as one that never came: the request may have run.
      if (response.ok) text = await response.text()
    } catch (error) {
      if (!repeatable || last) throw error
      await context.sleep(backoffMs(attempt, context.retry.maxDelayMs))
      continue
    }
    if (text !== undefined)
      return { status: response.status, body: answerOf<N>(route, text), headers: response.headers }
    const busy = refusedForNow.has(response.status) || (repeatable && lostAnswer.has(response.status))
    if (!busy || last) throw await problemOf(response)
    const wait = retryAfterMs(response.headers, Date.now()) ?? backoffMs(attempt, context.retry.maxDelayMs)
    if (wait > context.retry.maxDelayMs) throw await problemOf(response)
    await response.body?.cancel()
    await context.sleep(wait)
  }
}
