import type * as z from 'zod'
import type { AgreementInput } from '#shared/registry/agreement.js'
import { defineCommand } from './command.js'
import { readDataFile } from './data-file.js'
import { connectCli } from './exchange-connection.js'
import { writeRecord } from './registry-write.js'
import { requiredOption } from './required-option.js'

const usage = `exchange agreements put <id> --file <agreement.json|agreement.yaml> [--json]

Records an agreement, or revises it, as the admin (PUT /v1/agreements/{id}): which parties may hand
which items to each other, and when.
  <id>           the agreement's id, ^[a-z0-9][a-z0-9-]{1,62}$
  --file <file>  the agreement as JSON, or YAML (.yaml, .yml): { parties: [id, …] (two or more),
                 items: [code, …] or ["*"], validFrom, validUntil? }, instants with an offset such as
                 2026-01-01T00:00:00+08:00
The agreement is replaced as a whole. Prints "created", "updated" or "unchanged" with its version;
--json prints { outcome, agreement }.
Exit status: 0 written, 1 refused (the file cannot be read or parsed, or the exchange refuses, e.g.
forbidden or validation-failed with each field), 2 unusable command line.`

/** `exchange agreements put <id> --file <file>`: the admin's upsert of an agreement. */
export const agreementsPut = defineCommand({
  summary: 'record an agreement or revise it, from a JSON or YAML file (admin)',
  usage,
  options: { file: { type: 'string' } },
  positionals: ['id'],
  connects: true,
  run: async ({ values, positionals: [id = ''], connection }) => {
    // The exchange checks the agreement and answers 422 naming each field: no second copy of its rules here.
    const body = (await readDataFile(requiredOption(values.file, '--file'))) as z.input<typeof AgreementInput>
    const client = await connectCli(connection)
    const { record, outcome } = await writeRecord(
      () => client.call('getAgreement', { params: { id } }),
      () => client.call('putAgreement', { params: { id }, body }),
    )
    return {
      result: { outcome, agreement: record },
      lines: [`${outcome} agreement ${id}: ${record.parties.length} parties, version ${record.version}`],
    }
  },
})
