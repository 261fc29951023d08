import { transitionLeg } from '#shared/cases/transition-leg.js'
import { cases } from '../../dependencies/cases.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const { transition } = cases()

export const handler = httpHandler(routes.transitionLeg, async ({ params, body, caller }) => ({
  body: await transitionLeg(transition, { caseId: params.caseId, home: params.home, request: body, caller }),
}))
