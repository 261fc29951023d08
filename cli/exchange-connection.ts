import { connectExchange, type ExchangeClient } from '../client/exchange-client.js'
import type { Connection } from './command.js'

/** The typed client for a network command, signing as the connection's participant. */
export const connectCli = (connection: Connection): Promise<ExchangeClient> =>
  connectExchange({ baseUrl: connection.baseUrl, key: connection.key, sub: 'exchange-cli' })
