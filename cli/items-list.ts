import type { Item } from '#shared/registry/item.js'
import { defineCommand } from './command.js'
import { connectCli } from './exchange-connection.js'
import { formatTable } from './table.js'

const usage = `exchange items list [--json]

Lists the item catalogue by code (GET /v1/items, every page): code, name, modes, the promised and
statutory time limits (working or calendar days) and the materials (required of all). --json prints
{ items: [ … ] } as the exchange describes them.
Exit status: 0 listed, 1 refused by the exchange, 2 unusable command line.`

/** `exchange items list`: the catalogue, as a table. */
export const itemsList = defineCommand({
  summary: 'list the item catalogue',
  usage,
  options: {},
  connects: true,
  run: async ({ connection }) => {
    const client = await connectCli(connection)
    const items: Item[] = []
    for await (const page of client.pages('listItems', {})) items.push(...page.items)
    return {
      result: { items },
      lines: formatTable(
        [
          { header: 'code' },
          { header: 'name' },
          { header: 'modes' },
          { header: 'promised', align: 'right' },
          { header: 'statutory', align: 'right' },
          { header: 'days' },
          { header: 'materials', align: 'right' },
        ],
        items.map((item) => [
          item.code,
          item.name,
          item.modes.join(','),
          String(item.promisedDays),
          String(item.statutoryDays),
          item.dayKind,
          `${item.materials.filter((material) => material.required).length}/${item.materials.length}`,
        ]),
      ),
    }
  },
})
