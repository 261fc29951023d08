import { listCases } from '#shared/cases/list-cases.js'
import { cases } from '../../dependencies/cases.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { read } = cases()

export const handler = httpHandler(routes.listCases, async ({ query, caller }) => ({
  body: await listCases(read, { query, caller }),
}))
