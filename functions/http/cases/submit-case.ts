import { submitCase } from '#shared/cases/submit-case.js'
import { caseWrites } from '../../dependencies/case-writes.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { submit } = caseWrites()

export const handler = httpHandler(routes.submitCase, async ({ body, caller }) => {
  const { answer, created } = await submitCase(submit, { submission: body, caller })
  return { body: answer, created }
})
