import { type CaseFolder, documentSourceOf, readCaseFolder } from './case-folder.js'
import { type Connection, defineCommand } from './command.js'
import { CommandError } from './command-error.js'
import { connectCli } from './exchange-connection.js'
import { formatSize, transferProgress } from './progress.js'
import {
  fingerprintOf,
  journalName,
  lockJournal,
  readJournal,
  type SubmissionJournal,
  writeJournal,
} from './submission-journal.js'

const usage = `exchange cases submit <folder> [--json]

Hands the case a folder describes to its home(s): reads and checks the folder exactly as
\`exchange cases check\` does (nothing is sent if anything is wrong), uploads each document with a
progress bar, signs the application manifest with your key, submits the case and verifies the
exchange's signed receipt. Prints the case id and the legs.

The folder keeps a journal (${journalName}). If anything fails midway (network, storage, the
exchange), run the same command again: documents already stored are not sent again, and once the
manifest is signed the very same submission is sent, which the exchange answers with the same
case, never a second one. Changing the folder after the manifest was signed is refused, and so is
submitting it to another exchange or as another participant; a damaged journal is refused too, and
so is a second submission of the folder while one runs (its lock: .exchange-submission.lock).
Exit status: 0 submitted (or already submitted), 1 refused or failed, 2 unusable command line.`

/** Uploads stored longer ago than this are sent again: the exchange forgets unsealed uploads after a day. */
const reusableForMs = 12 * 60 * 60 * 1000

/** `exchange cases submit <folder>`: the accepting window's half of a handoff, resumable by rerun. */
export const casesSubmit = defineCommand({
  summary: 'submit the case a folder describes (resumable: rerun after a failure)',
  usage,
  options: {},
  positionals: ['folder'],
  connects: true,
  run: async ({ positionals: [folder = ''], connection, io, json }) => {
    const described = await readCaseFolder(folder)
    const release = await lockJournal(folder)
    try {
      return await submitFolder(
        folder,
        described,
        connection,
        transferProgress(io, { json, verb: 'uploaded' }),
      )
    } finally {
      await release()
    }
  },
})

/** Submits a checked folder, going on from its journal; runs while the folder's lock is held. */
const submitFolder = async (
  folder: string,
  described: CaseFolder,
  connection: Connection,
  transfer: ReturnType<typeof transferProgress>,
) => {
  const { submission, files } = described
  const client = await connectCli(connection)
  const fingerprint = fingerprintOf(described)
  const fresh: SubmissionJournal = {
    format: 'exchange-submission/1',
    exchangeId: client.exchangeId,
    participant: client.participant,
    acceptingRef: submission.acceptingRef,
    fingerprint,
    uploaded: [],
  }
  const earlier = await readJournal(folder)
  const same =
    earlier !== undefined &&
    earlier.fingerprint === fingerprint &&
    earlier.exchangeId === client.exchangeId &&
    earlier.participant === client.participant
  if (earlier?.manifest !== undefined && !same) {
    const submitted = `${folder} was already submitted (or nearly) as ${earlier.acceptingRef} to ${earlier.exchangeId} as ${earlier.participant}`
    if (earlier.exchangeId !== client.exchangeId || earlier.participant !== client.participant)
      throw new CommandError(
        'submitted-elsewhere',
        `${submitted}, not to ${client.exchangeId} as ${client.participant}: submit it as then, or copy the folder without ${journalName} to submit it anew`,
      )
    throw new CommandError(
      'folder-changed',
      `${submitted}, and has changed since; restore it, or give it a new acceptingRef and delete ${journalName}`,
    )
  }
  const journal: SubmissionJournal = same ? earlier : fresh
  if (journal.manifest === undefined) {
    const now = Date.now()
    // Each upload keeps the time it was stored, not of the last rerun: the exchange forgets it a
    // day after that, however often the submission is run again.
    journal.uploaded = journal.uploaded.filter(({ at }) => now - Date.parse(at) < reusableForMs)
    const stored = new Map(journal.uploaded.map(({ index, entry }) => [index, entry]))
    const missing = files.flatMap((file, index) => (stored.has(index) ? [] : [{ file, index }]))
    if (missing.length > 0) {
      await client.uploadDocuments(
        missing.map(({ file }) => documentSourceOf(file)),
        {
          progress: transfer.progress,
          uploaded: async (entry, position) => {
            transfer.done(entry.name)
            const index = missing[position]?.index ?? position
            stored.set(index, entry)
            journal.uploaded.push({ index, entry, at: new Date().toISOString() })
            await writeJournal(folder, journal)
          },
        },
      )
    }
    const entries = files.map((_, index) => stored.get(index))
    if (entries.some((entry) => entry === undefined)) throw new Error('an uploaded document went missing')
    journal.manifest = await client.signManifest(
      'application',
      entries as NonNullable<(typeof entries)[number]>[],
    )
    await writeJournal(folder, journal)
  }
  const answer = await client.submitCase({ ...submission, manifest: journal.manifest })
  journal.caseId = answer.caseId
  await writeJournal(folder, journal)
  const total = files.reduce((sum, file) => sum + file.size, 0)
  return {
    result: answer,
    lines: [
      `${answer.created ? 'submitted' : 'already submitted'} case ${answer.caseId} (${answer.acceptingRef}): ${files.length} document${files.length === 1 ? '' : 's'}, ${formatSize(total)}, receipt verified`,
      ...answer.legs.map((leg) => `  ${leg.home}: ${leg.status}, version ${leg.version}`),
    ],
  }
}
