import { LegStatus } from '#shared/cases/leg-status.js'
import { caseTable } from './case-legs.js'
import { defineCommand } from './command.js'
import { usageError } from './command-error.js'
import { countOption } from './count-option.js'
import { connectCli } from './exchange-connection.js'

const usage = `exchange cases list [--role accepting|home] [--status <status>] [--limit <n>] [--json]

Your own cases, newest first: as the accepting window (default) or as a home (your own legs).
  --role <role>      accepting (cases you submitted) or home (cases handed to you)
  --status <status>  only legs in this status (submitted, accepted, supplement-requested, …)
  --limit <n>        at most this many cases (default 20), following pages as needed
Prints one line per leg: case, reference, item, home, status, version and deadline.`

/** `exchange cases list`: the caller's cases in one role. */
export const casesList = defineCommand({
  summary: 'list your cases as accepting window or as home',
  usage,
  options: {
    role: { type: 'string', default: 'accepting' },
    status: { type: 'string' },
    limit: { type: 'string' },
  },
  connects: true,
  run: async ({ values, connection }) => {
    const limit = countOption(values.limit, '--limit', 'bad-limit') ?? 20
    if (values.role !== 'accepting' && values.role !== 'home')
      throw usageError('bad-role', `--role must be accepting or home, not ${JSON.stringify(values.role)}`)
    const status = values.status === undefined ? undefined : LegStatus.safeParse(values.status)
    if (status?.success === false)
      throw usageError('bad-status', `--status must be one of ${LegStatus.options.join(', ')}`)
    const client = await connectCli(connection)
    const cases = []
    for await (const page of client.pages('listCases', {
      query: {
        role: values.role,
        limit: Math.min(limit, 100),
        ...(status === undefined ? {} : { status: status.data }),
      },
    })) {
      cases.push(...page.cases)
      if (cases.length >= limit) break
    }
    const shown = cases.slice(0, limit)
    return {
      result: { cases: shown },
      lines: shown.length === 0 ? [`no cases as ${values.role}`] : caseTable(shown),
    }
  },
})
