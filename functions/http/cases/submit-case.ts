import { submitCase } from '#shared/cases/submit-case.js'
import { cases } from '../../dependencies/cases.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { submit } = cases()

export const handler = httpHandler(routes.submitCase, async ({ body, caller }) => {
  const { answer, created } = await submitCase(submit, { submission: body, caller })
  return { body: answer, created }
})
