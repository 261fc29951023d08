import { describe, expect, it } from 'vitest'
import { CommandError } from '../../cli/command-error.js'
import { commandErrorOf } from '../../cli/exchange-refusal.js'
import { ExchangeProblem, UntrustedAnswer, UploadFailed } from '../../client/client-errors.js'

const failing = async (error: unknown) => commandErrorOf(error)

describe('commandErrorOf', () => {
  it("ends an exchange's refusal as one line naming its status, code, detail and fields", async () => {
    const problem = new ExchangeProblem(422, {
      code: 'validation-failed',
      detail: 'The request query is not valid.',
      errors: [
        { path: '/query/groupBy', message: 'Invalid option' },
        { path: '/query/from', message: 'Invalid date' },
      ],
      requestId: 'request-1',
    })
    const error = await failing(problem)
    expect(error).toBeInstanceOf(CommandError)
    expect(error).toMatchObject({
      code: 'validation-failed',
      status: 1,
      message:
        '422 validation-failed: The request query is not valid. (/query/groupBy: Invalid option; /query/from: Invalid date)',
      details: { status: 422, errors: problem.errors, requestId: 'request-1' },
    })
  })

  it('leaves out the fields of a refusal that names none', async () => {
    const error = await failing(new ExchangeProblem(403, { code: 'forbidden', detail: 'Needs role admin.' }))
    expect(error).toMatchObject({
      code: 'forbidden',
      message: '403 forbidden: Needs role admin.',
      details: { status: 403 },
    })
  })

  it('ends distrust of an answer with its reason as the code', async () => {
    const error = await failing(new UntrustedAnswer('bad-signature', 'the receipt does not verify'))
    expect(error).toMatchObject({
      code: 'bad-signature',
      status: 1,
      message: 'untrusted answer (bad-signature): the receipt does not verify',
    })
  })

  it.each([
    ['refused by the storage', 403, { document: 'licence.pdf', status: 403 }],
    ['whose connection broke on every try', undefined, { document: 'licence.pdf' }],
  ])('ends an upload %s as upload-failed, naming the document', async (_, status, details) => {
    const error = await failing(new UploadFailed('licence.pdf', status))
    expect(error).toBeInstanceOf(CommandError)
    expect(error).toMatchObject({ code: 'upload-failed', status: 1 })
    expect((error as CommandError).details).toEqual(details)
  })

  it('passes every other failure on as it is', async () => {
    const refusal = new CommandError('jwks-private', 'private')
    expect(await failing(refusal)).toBe(refusal)
    const broken = new TypeError('fetch failed')
    expect(await failing(broken)).toBe(broken)
  })
})
