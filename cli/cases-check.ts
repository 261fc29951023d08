import { readCaseFolder } from './case-folder.js'
import { defineCommand } from './command.js'
import { formatSize } from './progress.js'
import { formatTable } from './table.js'

const usage = `exchange cases check <folder> [--json]

Reads a case folder exactly as a submission will, without the network, and lists what it would send.
The folder holds case.json or case.yaml (the body of POST /v1/cases without "manifest", plus an
optional "documents": [{ "file", "material"?, "contentType"? }]) and the scanned files. Without
"documents", every other file is sent, by name; dotfiles are left out. Types come from the extension
(pdf, jpg/jpeg, png, tif/tiff, ofd, xml, json, txt); another extension needs its contentType in
"documents". Every problem is listed at once: the description's, and files that are missing, empty,
over 50 MiB, more than 50, unreadable, of unknown type or links to outside the folder.`

/** `exchange cases check <folder>`: a dry run of a submission's local half. */
export const casesCheck = defineCommand({
  summary: 'check a case folder (description and files) before submitting it',
  usage,
  options: {},
  positionals: ['folder'],
  run: async ({ positionals: [folder = ''] }) => {
    const { submission, files } = await readCaseFolder(folder)
    const total = files.reduce((sum, file) => sum + file.size, 0)
    return {
      result: { submission, files },
      lines: [
        ...formatTable(
          [
            { header: 'file' },
            { header: 'type' },
            { header: 'size', align: 'right' },
            { header: 'material' },
            { header: 'sha256' },
          ],
          files.map((file) => [
            file.name,
            file.contentType,
            formatSize(file.size),
            file.material ?? '',
            file.sha256.slice(0, 12),
          ]),
        ),
        `ready: ${submission.itemCode} (${submission.mode}) to ${submission.homes.join(', ')}, ${files.length} document${files.length === 1 ? '' : 's'}, ${formatSize(total)}`,
      ],
    }
  },
})
