import { readFile } from 'node:fs/promises'
import { joseSignatureVerifier } from '#functions/adapters/jose-signature-verifier.js'
import { type ExportVerification, verifyExport } from '#shared/audit/verify-export.js'
import { defineCommand } from './command.js'
import { CommandError } from './command-error.js'
import { readLines } from './read-lines.js'

const usage = `exchange audit verify <export.ndjson> [--keys <jwks.json>] [--json]

Checks an audit export (GET /v1/audit/export) offline: every event hash, every chain link,
every checkpoint signature and root, and the consistency between checkpoints.
  --keys <file>       trust these keys (the exchange's /.well-known/jwks.json, obtained apart from the
                      export) instead of the keys in the export's header
Exit status: 0 valid, 1 invalid, 2 unusable arguments or file.`

const where = (problem: ExportVerification['problems'][number]) =>
  `${problem.line === 0 ? 'export' : `line ${problem.line}`}${problem.eventId === undefined ? '' : ` (event ${problem.eventId})`}`

const count = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`

/** The result for people: one line per problem, or a summary of what was checked. */
const describe = (result: ExportVerification, trusted: boolean) => {
  const what =
    result.scope === 'window'
      ? `window export [${result.from ?? '…'}, ${result.to ?? '…'}) of ${result.exchangeId}`
      : `whole export of ${result.exchangeId ?? 'an unknown exchange'}`
  const keys = `${trusted ? 'trusted keys' : "the export's own keys"} ${result.keys.join(', ')}`
  if (!result.valid)
    return [
      ...result.problems.map((problem) => `${where(problem)}: ${problem.code}: ${problem.message}`),
      ...(result.unlisted > 0 ? [`… and ${count(result.unlisted, 'more problem')}`] : []),
      `INVALID: ${count(result.problems.length + result.unlisted, 'problem')} in the ${what} (${count(result.lines, 'line')})`,
    ]
  return [
    `valid: ${what}, exported ${result.exportedAt}`,
    `  ${count(result.events, 'event')}: hashes, order and chain links checked; ${
      result.scope === 'window'
        ? `each proven included in the tree of size ${result.treeSize}`
        : `the tree rebuilt from them matches every checkpoint`
    }`,
    `  ${count(result.checkpoints, 'checkpoint')} signed with ${keys}; the last: tree size ${result.treeSize}, root ${result.rootHash ?? 'none'}`,
    ...(trusted
      ? []
      : [
          "  (keys taken from the export itself: pass --keys with the exchange's published JWKS to check who signed)",
        ]),
  ]
}

/** `exchange audit verify <file>`: verifies an export with no network and no AWS. */
export const auditVerify = defineCommand({
  summary: 'check an audit export offline (hashes, chains, checkpoints, proofs)',
  usage,
  options: { keys: { type: 'string' } },
  positionals: ['export.ndjson'],
  run: async ({ values, positionals: [file = ''] }) => {
    let trustedKeys: unknown
    try {
      if (values.keys !== undefined) trustedKeys = JSON.parse(await readFile(values.keys, 'utf8'))
      const result = await verifyExport(
        { verifier: joseSignatureVerifier(), ...(trustedKeys === undefined ? {} : { trustedKeys }) },
        readLines(file),
      )
      return { status: result.valid ? 0 : 1, result, lines: describe(result, trustedKeys !== undefined) }
    } catch (error) {
      // The documented status for an export or key file that cannot be used is 2, not 1 (invalid).
      throw new CommandError(
        'unusable-input',
        `cannot verify ${file}: ${error instanceof Error ? error.message : String(error)}`,
        {
          status: 2,
        },
      )
    }
  },
})
