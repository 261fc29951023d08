import { caseTable } from './case-legs.js'
import { defineCommand } from './command.js'
import { connectCli } from './exchange-connection.js'

const usage = `exchange cases show <caseId> [--json]

One case as its parties see it (auditors: personal data masked), every leg with its status,
version and deadline; proxy-receipt notices on the legs are verified against the exchange's keys.
--json prints the whole case, personal data included for parties: mind where you keep it.`

/** `exchange cases show <caseId>`: one case and its legs. */
export const casesShow = defineCommand({
  summary: 'show one case and its legs',
  usage,
  options: {},
  positionals: ['caseId'],
  connects: true,
  run: async ({ positionals: [caseId = ''], connection }) => {
    const view = await (await connectCli(connection)).getCase(caseId)
    return {
      result: view,
      lines: [
        ...caseTable([view]),
        `${view.mode} case from ${view.accepting}, submitted ${view.createdAt}, delivery ${view.delivery.method}`,
      ],
    }
  },
})
