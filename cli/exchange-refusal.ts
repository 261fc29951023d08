import { ExchangeProblem, UntrustedAnswer, UploadFailed } from '../client/client-errors.js'
import { CommandError } from './command-error.js'

/**
 * The client's typed failures as the one line a command ends with: a refusal of the exchange names
 * its status, its stable code, its detail and every offending field (`exchange: 422
 * validation-failed: … /query/groupBy: …`); distrust names its reason. `--json` gets the same code and
 * the problem's fields, so scripts branch on `forbidden` rather than on prose; a document the storage
 * did not take is `upload-failed`, naming it and the storage's status. Anything else passes.
 */
export const commandErrorOf = (error: unknown): unknown => {
  if (error instanceof ExchangeProblem) {
    const fields = error.errors.map((field) => `${field.path}: ${field.message}`).join('; ')
    return new CommandError(
      error.code,
      `${error.status} ${error.code}: ${error.detail}${fields === '' ? '' : ` (${fields})`}`,
      {
        details: {
          status: error.status,
          ...(error.errors.length === 0 ? {} : { errors: error.errors }),
          ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
        },
      },
    )
  }
  if (error instanceof UntrustedAnswer)
    return new CommandError(error.reason, `untrusted answer (${error.reason}): ${error.message}`)
  if (error instanceof UploadFailed)
    return new CommandError('upload-failed', error.message, {
      details: { document: error.document, ...(error.status === undefined ? {} : { status: error.status }) },
    })
  return error
}
