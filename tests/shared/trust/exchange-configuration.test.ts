import { describe, expect, it } from 'vitest'
import { exchangeConfiguration } from '#shared/trust/exchange-configuration.js'

describe('exchangeConfiguration', () => {
  it('names the exchange as issuer and links its keys and API under the base URL', () => {
    expect(exchangeConfiguration('exchange-test', 'https://exchange.example')).toEqual({
      issuer: 'exchange-test',
      jwks_uri: 'https://exchange.example/.well-known/jwks.json',
      api_base: 'https://exchange.example/v1',
      token_types: [
        'exchange-req+jwt',
        'exchange-manifest+jwt',
        'exchange-receipt+jwt',
        'exchange-seal+jwt',
        'exchange-notice+jwt',
        'exchange-checkpoint+jwt',
      ],
      algorithms: ['ES256', 'EdDSA'],
      max_token_lifetime_seconds: 300,
    })
  })
})
