/** Every failure a caller can be told about, by its stable code (contract section 3). */
export const errorCodes = [
  'unauthenticated',
  'forbidden',
  'suspended',
  'not-found',
  'malformed-json',
  'unsupported-media-type',
  'payload-too-large',
  'validation-failed',
  'no-agreement',
  'missing-materials',
  'document-mismatch',
  'version-conflict',
  'illegal-transition',
  'duplicate-reference',
  'rate-limited',
  'unavailable',
] as const

export type ErrorCode = (typeof errorCodes)[number]

/** One offending location in a request, as a JSON-pointer-like path. */
export type FieldError = { path: string; message: string }

type DomainErrorOptions = {
  errors?: FieldError[]
  /** Extra members safe to show the caller (never personal data). */
  extensions?: Record<string, unknown>
  cause?: unknown
}

/** A refusal the domain means to tell the caller about; the edge maps `code` to an HTTP status. */
export class DomainError extends Error {
  readonly code: ErrorCode
  readonly errors: FieldError[] | undefined
  readonly extensions: Record<string, unknown> | undefined

  constructor(code: ErrorCode, detail: string, options: DomainErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'DomainError'
    this.code = code
    this.errors = options.errors
    this.extensions = options.extensions
  }
}

/** Objects a caller may not see and objects that do not exist answer alike (no existence oracle). */
export const notFound = (what: string): DomainError => new DomainError('not-found', `${what} was not found.`)
