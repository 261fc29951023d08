import { transitionLeg } from '#shared/cases/transition-leg.js'
import { caseWrites } from '../../dependencies/case-writes.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { transition } = caseWrites()

export const handler = httpHandler(routes.transitionLeg, async ({ params, body, caller }) => ({
  body: await transitionLeg(transition, { caseId: params.caseId, home: params.home, request: body, caller }),
}))
