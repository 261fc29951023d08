import type { APIGatewayProxyEventV2WithLambdaAuthorizer } from 'aws-lambda'

/** What the authorizer concluded about a request's token; the function enforces it. */
export type Verdict =
  | { verdict: 'ok'; participant: string; sub: string; roles: string }
  | { verdict: 'unauthenticated' | 'suspended' | 'unavailable'; detail: string }

/** An API Gateway HTTP API (payload 2.0) event after the exchange's authorizer. */
export type HttpEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<Verdict | undefined>

/** The payload 2.0 response every HTTP function returns. */
export type HttpResponse = { statusCode: number; headers: Record<string, string>; body: string }
