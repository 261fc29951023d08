import { listCases } from '#shared/cases/list-cases.js'
import { caseReads } from '../../dependencies/case-reads.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const read = caseReads()

export const handler = httpHandler(routes.listCases, async ({ query, caller }) => ({
  body: await listCases(read, { query, caller }),
}))
