import { createHash } from 'node:crypto'
import { readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import canonicalize from 'canonicalize'
import * as z from 'zod'
import { ManifestDocument } from '#shared/packages/manifest.js'
import type { CaseFolder } from './case-folder.js'
import { CommandError } from './command-error.js'

/** The journal's file in the case folder; dotfiles are never sent as documents. */
export const journalName = '.exchange-submission.json'

/**
 * What a submission of a folder got done so far, so that a rerun after any failure goes on from
 * there: documents already stored are not sent again, and once the manifest is signed the very same
 * body is sent again, which the exchange answers with the same case (never a second one).
 */
export const SubmissionJournal = z.object({
  format: z.literal('exchange-submission/1'),
  exchangeId: z.string(),
  participant: z.string(),
  acceptingRef: z.string(),
  /** SHA-256 of the description and the files' names, types, sizes and hashes. */
  fingerprint: z.string(),
  /** Documents the storage took, by their index in the folder's file list. */
  uploaded: z.array(
    z.object({ index: z.number().int().min(0), at: z.iso.datetime(), entry: ManifestDocument }),
  ),
  /** The application manifest, once signed: from then on the body never changes. */
  manifest: z.string().optional(),
  caseId: z.string().optional(),
})
export type SubmissionJournal = z.infer<typeof SubmissionJournal>

/** The fingerprint of what a folder would submit. */
export const fingerprintOf = ({ submission, files }: CaseFolder): string =>
  createHash('sha256')
    .update(
      canonicalize({
        submission,
        files: files.map(({ name, contentType, size, sha256, material }) => ({
          name,
          contentType,
          size,
          sha256,
          material,
        })),
      }) ?? '',
    )
    .digest('hex')

/**
 * The folder's journal, if a submission of it was started. One that cannot be read or understood is
 * refused rather than ignored: it may hold a manifest already sent, and only that manifest gets the
 * case's answer back (a new one for the same acceptingRef is refused as duplicate-reference).
 */
export const readJournal = async (folder: string): Promise<SubmissionJournal | undefined> => {
  const path = join(folder, journalName)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    throw new CommandError('journal-unreadable', `cannot read the submission journal ${path} (${code})`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    value = undefined
  }
  const parsed = SubmissionJournal.safeParse(value)
  if (parsed.success) return parsed.data
  throw new CommandError(
    'journal-damaged',
    `the submission journal ${path} is damaged or of another version: delete it to submit the folder anew (a case already submitted from it is then refused as duplicate-reference, never created twice)`,
  )
}

/** Writes the journal whole or not at all (a crash mid-write leaves the previous one). */
export const writeJournal = async (folder: string, journal: SubmissionJournal): Promise<void> => {
  const path = join(folder, journalName)
  await writeFile(`${path}.tmp`, `${JSON.stringify(journal, null, 2)}\n`, { mode: 0o600 })
  await rename(`${path}.tmp`, path)
}

/** The lock beside the journal: one submission of a folder at a time. */
export const lockName = '.exchange-submission.lock'

/** Whether the process that wrote a lock still runs (signal 0 only asks). */
const running = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes the folder's lock for one submission: two at once would each sign a manifest of their own,
 * and the journal could keep the one the exchange never accepted. A lock left by a process that no
 * longer runs (killed mid-submission) is taken over. Answers the release.
 */
export const lockJournal = async (folder: string): Promise<() => Promise<void>> => {
  const path = join(folder, lockName)
  for (let attempt = 1; ; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx', mode: 0o600 })
      return () => unlink(path).catch(() => undefined)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 1) throw error
    }
    const holder = Number(await readFile(path, 'utf8').catch(() => '0'))
    if (Number.isInteger(holder) && holder > 0 && running(holder))
      throw new CommandError(
        'submission-in-progress',
        `${folder} is being submitted by process ${holder} right now; wait for it, then run this again`,
      )
    await unlink(path).catch(() => undefined)
  }
}
