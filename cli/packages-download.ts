import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { PackageView } from '#shared/packages/sealed-package.js'
import { defineCommand } from './command.js'
import { connectCli } from './exchange-connection.js'
import { fileSha256 } from './file-sha256.js'
import { checkPackageFiles, packageSidecars, partialName } from './package-files.js'
import { formatSize, transferProgress } from './progress.js'

const usage = `exchange packages download <caseId> --out <folder> [--package <packageId>] [--json]

Downloads a case's sealed packages (or one) into <folder>/<packageId>/: each document, the
submitter's manifest (manifest.jwt) and the exchange's seal (seal.jwt). The seal is verified
against the exchange's keys and the package listing against the signed manifest before anything
is fetched; each document's size and SHA-256 are checked as it arrives, written under a .part
name first and kept only if they match. Documents already there with the right hash are skipped,
so a rerun finishes an interrupted download. A package whose documents would overwrite one another
(the same name, or names differing only in letter case) or its manifest or seal is refused
(name-collision) before anything is written.`

/** `exchange packages download`: a case's documents, verified, into a folder. */
export const packagesDownload = defineCommand({
  summary: "download and verify a case's sealed packages into a folder",
  usage,
  options: { out: { type: 'string', default: '.' }, package: { type: 'string' } },
  positionals: ['caseId'],
  connects: true,
  run: async ({ positionals: [caseId = ''], values, connection, io, json }) => {
    const client = await connectCli(connection)
    const packages: PackageView[] =
      values.package === undefined
        ? await client.listPackages(caseId)
        : [await client.getPackage(caseId, values.package)]
    const transfer = transferProgress(io, { json, verb: 'downloaded' })
    const written: { packageId: string; path: string; size: number; skipped: boolean }[] = []
    // Every package is checked before any is written: a refused download leaves nothing behind.
    for (const view of packages) checkPackageFiles(view)
    for (const view of packages) {
      const folder = join(values.out, view.packageId)
      await mkdir(folder, { recursive: true })
      await writeFile(join(folder, packageSidecars.manifest), `${view.manifest}\n`)
      await writeFile(join(folder, packageSidecars.seal), `${view.seal}\n`)
      for (const document of view.documents) {
        const path = join(folder, document.name)
        // No file there yet (or none readable) is a file to download.
        if ((await fileSha256(path).catch(() => undefined)) === document.sha256) {
          written.push({ packageId: view.packageId, path, size: document.size, skipped: true })
          continue
        }
        const partial = partialName(path)
        try {
          await client.downloadDocument(document, createWriteStream(partial), transfer.progress)
        } catch (error) {
          await rm(partial, { force: true })
          throw error
        }
        await rename(partial, path)
        transfer.done(document.name)
        written.push({ packageId: view.packageId, path, size: document.size, skipped: false })
      }
    }
    const total = written.reduce((sum, file) => sum + file.size, 0)
    return {
      result: { caseId, packages: packages.map((view) => view.packageId), files: written },
      lines: [
        `${written.length} document${written.length === 1 ? '' : 's'} (${formatSize(total)}) of ${packages.length} package${packages.length === 1 ? '' : 's'} in ${values.out}, every seal, manifest and hash verified`,
      ],
    }
  },
})
