import { DomainError, type ErrorCode, type FieldError } from '#shared/errors.js'
import type { HttpResponse } from './http-event.js'

/** The HTTP status of every error code, written once; a new code without a status does not compile. */
export const statusOf = {
  unauthenticated: 401,
  forbidden: 403,
  suspended: 403,
  'not-found': 404,
  'malformed-json': 400,
  'unsupported-media-type': 415,
  'payload-too-large': 413,
  'validation-failed': 422,
  'no-agreement': 422,
  'missing-materials': 422,
  'document-mismatch': 422,
  'version-conflict': 409,
  'illegal-transition': 409,
  'duplicate-reference': 409,
  'rate-limited': 429,
  unavailable: 503,
} as const satisfies Record<ErrorCode, number>

const titles: Record<ErrorCode, string> = {
  unauthenticated: 'Unauthenticated',
  forbidden: 'Forbidden',
  suspended: 'Participant suspended',
  'not-found': 'Not found',
  'malformed-json': 'Malformed JSON',
  'unsupported-media-type': 'Unsupported media type',
  'payload-too-large': 'Payload too large',
  'validation-failed': 'Validation failed',
  'no-agreement': 'No agreement',
  'missing-materials': 'Missing materials',
  'document-mismatch': 'Document mismatch',
  'version-conflict': 'Version conflict',
  'illegal-transition': 'Illegal transition',
  'duplicate-reference': 'Duplicate reference',
  'rate-limited': 'Rate limited',
  unavailable: 'Unavailable',
}

/** Seconds a caller should wait before retrying a `503` or `429`. */
const retryAfterSeconds = 1

/** Renders a domain error as `application/problem+json` (RFC 9457) with the caller's request id. */
export const problemResponse = (error: DomainError, requestId: string): HttpResponse => {
  const status = statusOf[error.code]
  const body: Record<string, unknown> = {
    type: `/docs#problem-${error.code}`,
    title: titles[error.code],
    status,
    code: error.code,
    detail: error.message,
    ...(error.errors === undefined ? {} : { errors: error.errors satisfies FieldError[] }),
    ...error.extensions,
    requestId,
  }
  return {
    statusCode: status,
    headers: {
      'content-type': 'application/problem+json',
      ...(status === 503 || status === 429 ? { 'retry-after': String(retryAfterSeconds) } : {}),
    },
    body: JSON.stringify(body),
  }
}

/** Everything not meant for the caller (a store outage, a bug) reads as a retryable outage. */
export const unavailable = (cause: unknown) =>
  new DomainError('unavailable', 'The exchange could not complete the request; retry it later.', { cause })
