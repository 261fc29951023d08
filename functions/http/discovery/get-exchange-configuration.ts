import { exchangeConfiguration } from '#shared/trust/exchange-configuration.js'
import { config } from '../../config.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { EXCHANGE_ID } = config()

export const handler = httpHandler(routes.getExchangeConfiguration, async ({ baseUrl }) => ({
  body: exchangeConfiguration(EXCHANGE_ID, baseUrl),
}))
