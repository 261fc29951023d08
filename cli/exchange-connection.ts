import type { JWK } from 'jose'
import type { PublicJwk } from '#shared/registry/jwks.js'
import { connectExchange, type ExchangeClient } from '../client/exchange-client.js'
import type { Connection } from './command.js'

/** A checked public key as jose takes it: the members that define it, and its id. */
const jwkOf = (key: PublicJwk): JWK =>
  key.kty === 'EC'
    ? { kty: key.kty, crv: key.crv, x: key.x, y: key.y, kid: key.kid }
    : { kty: key.kty, crv: key.crv, x: key.x, kid: key.kid }

/** The typed client for a network command, signing as the connection's participant. */
export const connectCli = ({ baseUrl, key, exchangeId, trustedKeys }: Connection): Promise<ExchangeClient> =>
  connectExchange({
    baseUrl,
    key,
    sub: 'exchange-cli',
    ...(exchangeId === undefined ? {} : { exchangeId }),
    ...(trustedKeys === undefined ? {} : { trustedKeys: { keys: trustedKeys.keys.map(jwkOf) } }),
  })
