import type { AuditEvent } from '#shared/audit/audit-event.js'
import { maxEventPage } from '#shared/audit/query-events.js'
import { defineCommand } from './command.js'
import { countOption } from './count-option.js'
import { connectCli } from './exchange-connection.js'
import { formatTable } from './table.js'

const usage = `exchange audit events [--case <id>] [--actor <id>] [--action <action>] [--from <instant>] [--to <instant>] [--limit <n>] [--json]

Lists audit events (GET /v1/audit/events), oldest first (a case's in chain order), following pages
until --limit events came or the query is exhausted: when, who acted, the action, the case and home,
and the status change. Auditors see every event; others the events of cases they are party to (with
--case) and their own actions.
  --case <id>          one case's events
  --actor <id>         the events this participant performed (the API's participant=; --participant
                       names who you act for)
  --action <action>    one action, e.g. case.submitted or participant.registered
  --from <instant>     events stamped at or after this instant, with an offset, e.g.
                       2026-03-01T00:00:00+08:00 (auditors: needed when nothing else narrows the query)
  --to <instant>       events stamped before this instant (default: now)
  --limit <n>          at most this many events (default 100)
--json prints { events, nextCursor? } as the exchange answers them, nextCursor when more are left.
Exit status: 0 listed, 1 refused by the exchange (not-found for a case you are not party to,
validation-failed), 2 unusable command line.`

const defaultLimit = 100

const row = (event: AuditEvent) => [
  event.at,
  event.actor.participant,
  event.action,
  event.caseId ?? '',
  event.home ?? '',
  event.from === undefined && event.to === undefined ? '' : `${event.from ?? ''}→${event.to ?? ''}`,
]

/** `exchange audit events`: a query of the audit log, as a table. */
export const auditEvents = defineCommand({
  summary: 'list audit events by case, participant, action and time',
  usage,
  options: {
    case: { type: 'string' },
    actor: { type: 'string' },
    action: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    limit: { type: 'string' },
  },
  connects: true,
  run: async ({ values, connection }) => {
    const limit = countOption(values.limit, '--limit', 'bad-limit') ?? defaultLimit
    // The exchange checks ids, action and instants and answers 422 naming each: no second copy here.
    const query = {
      ...(values.case === undefined ? {} : { caseId: values.case }),
      ...(values.actor === undefined ? {} : { participant: values.actor }),
      ...(values.action === undefined ? {} : { action: values.action }),
      ...(values.from === undefined ? {} : { from: values.from }),
      ...(values.to === undefined ? {} : { to: values.to }),
    }
    const client = await connectCli(connection)
    const events: AuditEvent[] = []
    let cursor: string | undefined
    // Each page asks for what is still missing (the cursor is bound to the query but not its limit),
    // so no page is cut and the last cursor resumes exactly after the last event shown. A page may
    // come back short, even empty, with a cursor: the exchange bounds each request's reads.
    do {
      const page = await client.call('queryEvents', {
        query: {
          ...query,
          limit: Math.min(limit - events.length, maxEventPage),
          ...(cursor === undefined ? {} : { cursor }),
        },
      })
      events.push(...page.events)
      cursor = page.nextCursor
    } while (cursor !== undefined && events.length < limit)
    return {
      result: { events, ...(cursor === undefined ? {} : { nextCursor: cursor }) },
      lines: [
        ...formatTable(
          [
            { header: 'at' },
            { header: 'actor' },
            { header: 'action' },
            { header: 'case' },
            { header: 'home' },
            { header: 'from→to' },
          ],
          events.map(row),
        ),
        ...(cursor === undefined ? [] : [`more events match: raise --limit (${limit}) or narrow the query`]),
      ],
    }
  },
})
