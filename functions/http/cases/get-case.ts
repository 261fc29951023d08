import { getCase } from '#shared/cases/case-view.js'
import { caseViews } from '../../dependencies/cases.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const read = caseViews()

export const handler = httpHandler(routes.getCase, async ({ params, caller }) => ({
  body: await getCase(read, { caseId: params.caseId, caller }),
}))
