import { config } from '../../config.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { EXCHANGE_ID, EXCHANGE_VERSION } = config()

export const handler = httpHandler(routes.getHealth, async () => ({
  body: { status: 'ok', exchangeId: EXCHANGE_ID, version: EXCHANGE_VERSION },
}))
