import type { Agreement } from '#shared/registry/agreement.js'
import { defineCommand } from './command.js'
import { connectCli } from './exchange-connection.js'
import { formatTable } from './table.js'

const usage = `exchange agreements list [--json]

Lists the agreements by id (GET /v1/agreements, every page): the parties, the items they cover ("*"
for every item) and when each is valid. --json prints { agreements: [ … ] } as the exchange describes
them.
Exit status: 0 listed, 1 refused by the exchange, 2 unusable command line.`

/** `exchange agreements list`: the agreements, as a table. */
export const agreementsList = defineCommand({
  summary: 'list the agreements between participants',
  usage,
  options: {},
  connects: true,
  run: async ({ connection }) => {
    const client = await connectCli(connection)
    const agreements: Agreement[] = []
    for await (const page of client.pages('listAgreements', {})) agreements.push(...page.agreements)
    return {
      result: { agreements },
      lines: formatTable(
        [
          { header: 'id' },
          { header: 'parties' },
          { header: 'items' },
          { header: 'valid from' },
          { header: 'valid until' },
        ],
        agreements.map((agreement) => [
          agreement.id,
          agreement.parties.join(','),
          agreement.items.join(','),
          agreement.validFrom,
          agreement.validUntil ?? '',
        ]),
      ),
    }
  },
})
