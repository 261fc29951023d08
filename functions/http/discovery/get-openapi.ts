import { config } from '../../config.js'
import { httpHandler } from '../http-handler.js'
import { openApiDocument } from '../openapi.js'
import { routeList, routes } from '../routes.js'

const { EXCHANGE_VERSION } = config()

export const handler = httpHandler(routes.getOpenApi, async ({ baseUrl }) => ({
  body: openApiDocument(routeList, { version: EXCHANGE_VERSION, serverUrl: baseUrl }),
}))
