import { describe, expect, it } from 'vitest'
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
})
