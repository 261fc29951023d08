import { config } from '../../config.js'
import { docsPage } from '../docs-page.js'
import { httpHandler } from '../http-handler.js'
import { openApiDocument } from '../openapi.js'
import { routeList, routes } from '../routes.js'

const { EXCHANGE_VERSION } = config()

export const handler = httpHandler(routes.getDocs, async ({ baseUrl }) => ({
  body: docsPage(openApiDocument(routeList, { version: EXCHANGE_VERSION, serverUrl: baseUrl })),
}))
