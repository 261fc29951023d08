import { createUploads } from '#shared/packages/create-uploads.js'
import { documents } from '../../dependencies/documents.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { uploads } = documents()

export const handler = httpHandler(routes.createUploads, async ({ body, caller }) => ({
  body: await createUploads(uploads, { files: body.files, caller }),
  created: true,
}))
