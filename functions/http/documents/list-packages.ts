import { listPackages } from '#shared/packages/read-packages.js'
import { documents } from '../../dependencies/documents.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { reads } = documents()

export const handler = httpHandler(routes.listPackages, async ({ params, caller }) => ({
  body: await listPackages(reads, { caseId: params.caseId, caller }),
}))
