import { open, rename, rm } from 'node:fs/promises'
import { EndLine } from '#shared/audit/audit-export.js'
import { defineCommand } from './command.js'
import { CommandError } from './command-error.js'
import { connectCli } from './exchange-connection.js'
import { formatSize } from './progress.js'
import { requiredOption } from './required-option.js'

const usage = `exchange audit export --out <file> [--from <instant>] [--to <instant>] [--json]

Downloads the audit log (GET /v1/audit/export, role auditor) into a file, part after part: into
<file>.part first, renamed to <file> only once the end line arrived, so <file> is never a cut-off
export. Without --from and --to the export is whole: every event up to the latest checkpoint, from
which a verifier rebuilds the tree. With either it is a window [from, to): the events stamped in it,
each with its inclusion proof. Events newer than the latest checkpoint come in the next export.
  --out <file>       where the export goes (replaced if it exists)
  --from <instant>   the first instant of the window, with an offset, e.g. 2026-03-01T00:00:00+08:00
  --to <instant>     the instant the window ends before
Check the file offline with: exchange audit verify <file>
Prints how many events and checkpoints the file holds; --json prints { file, bytes, parts, events,
checkpoints }.
Exit status: 0 exported, 1 refused (by the exchange, e.g. forbidden for a non-auditor or
validation-failed; a download without its end line; a file that cannot be written), 2 unusable command
line.`

/** The counts of the end line that closes `text`, the export's last part; undefined when it is not there. */
const endOf = (text: string) => {
  const trimmed = text.trimEnd()
  try {
    const end = EndLine.safeParse(JSON.parse(trimmed.slice(trimmed.lastIndexOf('\n') + 1)))
    return end.success ? end.data : undefined
  } catch {
    return undefined
  }
}

/** `exchange audit export --out <file>`: the whole log, or a window of it, into a file. */
export const auditExport = defineCommand({
  summary: 'download the audit log (whole or a window) into a file for audit verify (auditor)',
  usage,
  options: { out: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  connects: true,
  run: async ({ values, connection }) => {
    const out = requiredOption(values.out, '--out')
    // The exchange checks the instants and answers 422 naming each: no second copy of its rules here.
    const query = {
      ...(values.from === undefined ? {} : { from: values.from }),
      ...(values.to === undefined ? {} : { to: values.to }),
    }
    const client = await connectCli(connection)
    const partial = `${out}.part`
    const file = await open(partial, 'w').catch((error: NodeJS.ErrnoException) => {
      throw new CommandError('cannot-write', `cannot write ${partial} (${error.code})`)
    })
    let bytes = 0
    let parts = 0
    let last = ''
    try {
      try {
        for await (const part of client.exportAudit(query)) {
          await file.write(part)
          bytes += Buffer.byteLength(part)
          parts += 1
          last = part
        }
      } finally {
        await file.close()
      }
      const end = endOf(last)
      if (end === undefined)
        throw new CommandError(
          'export-truncated',
          `the export ended without its end line after ${parts} part${parts === 1 ? '' : 's'}`,
        )
      await rename(partial, out)
      return {
        result: { file: out, bytes, parts, events: end.events, checkpoints: end.checkpoints },
        lines: [
          `exported ${end.events.toLocaleString('en-US')} events and ${end.checkpoints.toLocaleString('en-US')} checkpoints to ${out} (${formatSize(bytes)})`,
          `check it offline: exchange audit verify ${out}`,
        ],
      }
    } catch (error) {
      await rm(partial, { force: true })
      throw error
    }
  },
})
