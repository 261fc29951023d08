import { maxTokenLifetimeSeconds, requestAlgorithms, requestTokenType } from './token-rules.js'

/** What a partner needs to talk to this exchange (`/.well-known/exchange-configuration`). */
export const exchangeConfiguration = (exchangeId: string, baseUrl: string) => ({
  issuer: exchangeId,
  jwks_uri: `${baseUrl}/.well-known/jwks.json`,
  api_base: `${baseUrl}/v1`,
  token_types: [
    requestTokenType,
    'exchange-manifest+jwt',
    'exchange-receipt+jwt',
    'exchange-seal+jwt',
    'exchange-notice+jwt',
    'exchange-checkpoint+jwt',
  ],
  algorithms: [...requestAlgorithms],
  max_token_lifetime_seconds: maxTokenLifetimeSeconds,
})
