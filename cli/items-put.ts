import type * as z from 'zod'
import type { ItemInput } from '#shared/registry/item.js'
import { defineCommand } from './command.js'
import { readDataFile } from './data-file.js'
import { connectCli } from './exchange-connection.js'
import { writeRecord } from './registry-write.js'
import { requiredOption } from './required-option.js'

const usage = `exchange items put <code> --file <item.json|item.yaml> [--json]

Puts an item into the catalogue, or revises it, as the admin (PUT /v1/items/{code}).
  <code>         the item's catalogue code, ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$
  --file <file>  the item as JSON, or YAML (.yaml, .yml): { name, department?, modes, promisedDays,
                 statutoryDays, dayKind, materials: [{ id, name, required }] }
The item is replaced as a whole. Prints "created", "updated" or "unchanged" with its version; --json
prints { outcome, item }.
Exit status: 0 written, 1 refused (the file cannot be read or parsed, or the exchange refuses, e.g.
forbidden or validation-failed with each field), 2 unusable command line.`

/** `exchange items put <code> --file <file>`: the admin's upsert of a catalogue item. */
export const itemsPut = defineCommand({
  summary: 'put an item into the catalogue or revise it, from a JSON or YAML file (admin)',
  usage,
  options: { file: { type: 'string' } },
  positionals: ['code'],
  connects: true,
  run: async ({ values, positionals: [code = ''], connection }) => {
    // The exchange checks the item and answers 422 naming each field: no second copy of its rules here.
    const body = (await readDataFile(requiredOption(values.file, '--file'))) as z.input<typeof ItemInput>
    const client = await connectCli(connection)
    const { record, outcome } = await writeRecord(
      () => client.call('getItem', { params: { code } }),
      () => client.call('putItem', { params: { code }, body }),
    )
    return {
      result: { outcome, item: record },
      lines: [`${outcome} item ${code}: ${record.name}, version ${record.version}`],
    }
  },
})
