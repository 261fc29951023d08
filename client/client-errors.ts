import type { ErrorCode } from '#shared/errors.js'

/** One offending location of a refused request, as the exchange names it. */
export type ProblemField = { path: string; message: string }

/**
 * A problem+json refusal of the exchange (contract section 3) as a typed error: `code` is one of the
 * contract's stable codes, so callers branch on it rather than on the prose of `detail`.
 */
export class ExchangeProblem extends Error {
  readonly status: number
  readonly code: ErrorCode
  readonly detail: string
  readonly errors: readonly ProblemField[]
  readonly requestId: string | undefined
  /** The whole problem document, extensions (such as `currentVersion`) included. */
  readonly body: Record<string, unknown>

  constructor(status: number, body: Record<string, unknown>) {
    super(`${status} ${String(body.code)}: ${String(body.detail)}`)
    this.name = 'ExchangeProblem'
    this.status = status
    this.code = body.code as ErrorCode
    this.detail = String(body.detail ?? '')
    this.errors = Array.isArray(body.errors) ? (body.errors as ProblemField[]) : []
    this.requestId = typeof body.requestId === 'string' ? body.requestId : undefined
    this.body = body
  }
}

/** Why the client refused an answer of the exchange instead of handing it on. */
export type DistrustReason =
  /** A receipt, seal, notice or checkpoint whose signature, type, issuer or audience does not hold. */
  | 'bad-signature'
  /** A signed token that verifies but binds something other than the answer it came with. */
  | 'claims-mismatch'
  /** An inclusion or consistency proof that does not lead to the signed root. */
  | 'bad-proof'
  /** Downloaded bytes whose size or SHA-256 differ from what the sealed package lists. */
  | 'document-mismatch'
  /** An answer that is not what the OpenAPI document promises, or an exchange other than the one expected. */
  | 'unexpected-answer'

/**
 * The exchange answered, but the answer cannot be trusted: the client refuses it rather than let a
 * forged or altered receipt, seal, notice, checkpoint or document through.
 */
export class UntrustedAnswer extends Error {
  readonly reason: DistrustReason
  constructor(reason: DistrustReason, message: string, options?: { cause: unknown }) {
    super(message, options)
    this.name = 'UntrustedAnswer'
    this.reason = reason
  }
}

/**
 * The storage behind a presigned upload URL did not take a document: it refused it (a 4xx `status`),
 * or failed it on every try (a 5xx `status`, or none when the connection broke). Names the document
 * and the status only: the bytes, and whose they are, stay out of the error.
 */
export class UploadFailed extends Error {
  readonly document: string
  readonly status: number | undefined
  constructor(document: string, status: number | undefined, options?: { cause: unknown }) {
    super(
      status === undefined
        ? `the storage did not answer the upload of ${document}${options?.cause instanceof Error ? `: ${options.cause.message}` : ''}`
        : `the storage ${status < 500 ? 'refused' : 'failed to take'} ${document} (${status})`,
      options,
    )
    this.name = 'UploadFailed'
    this.document = document
    this.status = status
  }
}
