import type * as z from 'zod'
import type { ParticipantInput } from '#shared/registry/participant.js'
import { defineCommand } from './command.js'
import { connectCli } from './exchange-connection.js'
import { readPublicJwks } from './jwks-file.js'
import { participantLines } from './participant-view.js'
import { writeRecord } from './registry-write.js'
import { requiredOption } from './required-option.js'

const usage = `exchange participants register <id> --name <name> --kind <kind> --roles <r1,r2> --jwks <public.jwks.json> [--parent <id>] [--division <code>] [--json]

Registers a participant, or replaces its description, as the admin (PUT /v1/participants/{id}).
  <id>               the participant's id, ^[a-z0-9][a-z0-9-]{1,62}$ (admin itself is configured, not registered)
  --name <name>      its name, e.g. 西安市雁塔区政务服务中心
  --kind <kind>      province, city, district, county, development-zone or agency
  --roles <roles>    comma-separated, of accepting, home, auditor, admin
  --jwks <file>      its public JWKS (keys generate writes <id>-jwks.json); a file holding private key
                     material is refused before anything is sent
  --parent <id>      the participant above it
  --division <code>  its 6-digit GB/T 2260 division code
The description is replaced as a whole: what the options leave out (a parent, a division, a contact
set through the API) is removed. Prints "created", "updated" or "unchanged" and the participant;
--json prints { outcome, participant }.
Exit status: 0 written, 1 refused (by the exchange, e.g. forbidden or validation-failed, or the JWKS
file), 2 unusable command line.`

/** `exchange participants register <id> …`: the admin's upsert of a participant. */
export const participantsRegister = defineCommand({
  summary: 'register a participant or replace its description (admin)',
  usage,
  options: {
    name: { type: 'string' },
    kind: { type: 'string' },
    roles: { type: 'string' },
    jwks: { type: 'string' },
    parent: { type: 'string' },
    division: { type: 'string' },
  },
  positionals: ['id'],
  connects: true,
  run: async ({ values, positionals: [id = ''], connection }) => {
    const name = requiredOption(values.name, '--name')
    const kind = requiredOption(values.kind, '--kind')
    const roles = requiredOption(values.roles, '--roles')
    const jwks = await readPublicJwks(requiredOption(values.jwks, '--jwks'))
    // The exchange checks the description and answers 422 naming each field: no second copy of its rules here.
    const body = {
      name,
      kind,
      roles: roles.split(',').map((role) => role.trim()),
      jwks,
      ...(values.parent === undefined ? {} : { parentId: values.parent }),
      ...(values.division === undefined ? {} : { divisionCode: values.division }),
    } as z.input<typeof ParticipantInput>
    const client = await connectCli(connection)
    const { record, outcome } = await writeRecord(
      () => client.call('getParticipant', { params: { id } }),
      () => client.call('putParticipant', { params: { id }, body }),
    )
    return {
      result: { outcome, participant: record },
      lines: [`${outcome} participant ${id}`, ...participantLines(record)],
    }
  },
})
