import { getPackage } from '#shared/packages/read-packages.js'
import { documents } from '../../dependencies/documents.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { reads } = documents()

export const handler = httpHandler(routes.getPackage, async ({ params, caller }) => ({
  body: await getPackage(reads, { caseId: params.caseId, packageId: params.packageId, caller }),
}))
