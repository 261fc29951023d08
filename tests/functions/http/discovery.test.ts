import { describe, expect, it } from 'vitest'
import { routeList } from '#functions/http/routes.js'
import { call, exchange } from '../../support/exchange-client.js'

describe('discovery', () => {
  it('reports health without a token', async () => {
    const answer = await call('GET', '/v1/health')
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ status: 'ok', exchangeId: exchange.exchangeId })
  })

  it('names the exchange as issuer and points at its keys', async () => {
    const answer = await call('GET', '/.well-known/exchange-configuration')
    expect(answer.body.issuer).toBe(exchange.exchangeId)
    expect(answer.body.jwks_uri).toBe(`${exchange.url}/.well-known/jwks.json`)
    expect(answer.body.algorithms).toEqual(['ES256', 'EdDSA'])
    expect(answer.body.max_token_lifetime_seconds).toBe(300)
  })

  it('publishes public signing keys only', async () => {
    const answer = await call('GET', '/.well-known/jwks.json')
    expect(answer.body.keys).toHaveLength(1)
    expect(answer.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
    expect(answer.body.keys[0]).not.toHaveProperty('d')
  })

  it('serves its OpenAPI document without a token, every route in it, at the URL it was reached at', async () => {
    const answer = await call('GET', '/openapi.json')
    expect(answer.status).toBe(200)
    expect(answer.body.openapi).toBe('3.1.0')
    expect(answer.body.servers).toEqual([{ url: exchange.url }])
    const operations = Object.entries(answer.body.paths as Record<string, object>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect(operations.sort()).toEqual(routeList.map((route) => `${route.method} ${route.path}`).sort())
  })

  it('renders the same document for people as one HTML page without a token', async () => {
    const answer = await call('GET', '/docs')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(answer.body).toMatch(/^<!doctype html>/)
    expect(answer.body).toContain('<a href="openapi.json">openapi.json</a>')
  })
})
