import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda'
import { DomainError } from '#shared/errors.js'
import { type AuthenticateDeps, authenticate } from '#shared/trust/authenticate.js'
import { describeError, log } from '../logger.js'
import type { Verdict } from './http-event.js'

/**
 * The Lambda authorizer. An HTTP API cannot shape an authorizer's denial into the contract's
 * problem+json, so the authorizer always lets the request through with its verdict and the shared
 * middy stack refuses anything but `ok`. Results are never cached (TTL 0): every request spends
 * its `jti` here, so no cache can let a replay through.
 */
export const authorizer =
  (deps: () => AuthenticateDeps) =>
  async (
    event: APIGatewayRequestAuthorizerEventV2,
  ): Promise<APIGatewaySimpleAuthorizerWithContextResult<Verdict>> => ({
    isAuthorized: true,
    context: await verdictFor(deps(), event.headers?.authorization),
  })

const verdictFor = async (deps: AuthenticateDeps, authorization: string | undefined): Promise<Verdict> => {
  try {
    const principal = await authenticate(deps, authorization)
    return {
      verdict: 'ok',
      participant: principal.participant,
      sub: principal.sub,
      roles: principal.roles.join(','),
    }
  } catch (error) {
    if (error instanceof DomainError && (error.code === 'unauthenticated' || error.code === 'suspended')) {
      log('info', 'request token refused', { code: error.code, reason: error.message })
      return { verdict: error.code, detail: error.message }
    }
    log('error', 'authorizer failed', describeError(error))
    return { verdict: 'unavailable', detail: 'The exchange could not check the token; retry later.' }
  }
}
