import { randomUUID } from 'node:crypto'
import { importJWK, type JWK, SignJWT } from 'jose'
import { expect, inject } from 'vitest'
import { newPrivateJwk, publicJwkOf } from '#local/keys.js'
import type { Role } from '#shared/registry/participant.js'

/** The exchange under test, started by the global setup. */
export const exchange = inject('exchange')

/** A participant as a test holds it: its id and its private signing key. */
export type Caller = { id: string; jwk: JWK }

/** The configured administrator. */
export const admin: Caller = { id: 'admin', jwk: exchange.adminJwk }

/** A fresh id, so test files sharing one exchange never collide. */
export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`

type TokenOptions = {
  claims?: Record<string, unknown>
  header?: Record<string, unknown>
  /** Claims to drop from the defaults. */
  omit?: string[]
}

/** Mints a request token as a partner's client would; options bend it into the defects under test. */
export const mintToken = async (caller: Caller, options: TokenOptions = {}): Promise<string> => {
  const now = Math.floor(Date.now() / 1000)
  const claims: Record<string, unknown> = {
    iss: caller.id,
    sub: 'test-suite',
    aud: exchange.exchangeId,
    iat: now,
    exp: now + 120,
    jti: randomUUID(),
    ...options.claims,
  }
  for (const name of options.omit ?? []) delete claims[name]
  const alg = caller.jwk.alg ?? 'ES256'
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid: caller.jwk.kid ?? '', typ: 'exchange-req+jwt', ...options.header })
    .sign(await importJWK(caller.jwk, alg))
}

/** What a call answered: its status, headers and parsed body. */
// biome-ignore lint/suspicious/noExplicitAny: tests read answers of every shape and assert on them.
export type Answer = { status: number; headers: Headers; body: any }

type CallOptions = {
  as?: Caller
  token?: string
  body?: unknown
  rawBody?: string | Buffer
  headers?: Record<string, string>
}

/** Calls the exchange over HTTP, signing as `as` unless a raw `token` is given. */
export const call = async (method: string, path: string, options: CallOptions = {}): Promise<Answer> => {
  const token = options.token ?? (options.as === undefined ? undefined : await mintToken(options.as))
  const headers: Record<string, string> = {
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  }
  const response = await fetch(`${exchange.url}${path}`, {
    method,
    headers,
    ...(options.rawBody !== undefined
      ? { body: options.rawBody }
      : options.body === undefined
        ? {}
        : { body: JSON.stringify(options.body) }),
  })
  const text = await response.text()
  const type = response.headers.get('content-type') ?? ''
  return {
    status: response.status,
    headers: response.headers,
    body: type.includes('json') ? JSON.parse(text) : text,
  }
}

/** A participant description with one fresh key, ready for `PUT /v1/participants/{id}`. */
export const participantBody = (jwk: JWK, roles: Role[], overrides: Record<string, unknown> = {}) => ({
  name: 'Test district',
  kind: 'district',
  roles,
  jwks: { keys: [publicJwkOf(jwk)] },
  ...overrides,
})

/** Registers a new participant through the API, as the admin would. */
export const registerParticipant = async (
  roles: Role[],
  alg: 'ES256' | 'EdDSA' = 'ES256',
): Promise<Caller> => {
  const caller = { id: uniqueId('p'), jwk: await newPrivateJwk(alg) }
  const answer = await call('PUT', `/v1/participants/${caller.id}`, {
    as: admin,
    body: participantBody(caller.jwk, roles),
  })
  if (answer.status !== 201) throw new Error(`registering ${caller.id} answered ${answer.status}`)
  return caller
}

/** Asserts an answer is the contract's problem+json (section 3) with this status and code. */
export const expectProblem = (answer: Answer, status: number, code: string) => {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code })
  expect(answer.headers.get('content-type')).toBe('application/problem+json')
  expect(answer.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    requestId: expect.any(String),
  })
}

/** The `errors[].path` of a problem answer, for asserting which fields were refused. */
export const errorPaths = (answer: Answer): string[] =>
  (answer.body?.errors ?? []).map((error: { path: string }) => error.path)
