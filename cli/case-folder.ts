import { createReadStream, type Dirent, type Stats } from 'node:fs'
import { open, readdir, readFile, realpath, stat } from 'node:fs/promises'
import { extname, isAbsolute, join, relative, sep } from 'node:path'
import * as z from 'zod'
import { CaseSubmission } from '#shared/cases/case.js'
import { FileName, MediaType, maxDocumentBytes, maxDocuments } from '#shared/packages/upload.js'
import { Material } from '#shared/registry/item.js'
import type { DocumentSource } from '../client/document-transfer.js'
import { CommandError } from './command-error.js'
import { jsonPointer, parseDataText } from './data-file.js'
import { fileSha256 } from './file-sha256.js'

/** One document the description names: a file of the folder, the item material it is, its type if unusual. */
export const DocumentEntry = z.strictObject({
  file: FileName,
  material: Material.shape.id.optional(),
  contentType: MediaType.optional(),
})
export type DocumentEntry = z.infer<typeof DocumentEntry>

const DocumentList = z.array(DocumentEntry).min(1).max(maxDocuments)

const { manifest: _signedFromTheFiles, ...describedShape } = CaseSubmission.shape

/**
 * A case folder's `case.json`/`case.yaml`: the body of `POST /v1/cases` without `manifest` (signed
 * from the files), and optionally the documents to send. zod refuses `.omit()` on a refined schema,
 * so the shape is taken without `manifest` and the submission's own refinements are carried over.
 */
export const CaseDescription = z
  .strictObject({ ...describedShape, documents: DocumentList.optional() })
  // Each check reads only members the description has (mode, homes), so it holds for it unchanged.
  .check(...((CaseSubmission._zod.def.checks ?? []) as z.core.$ZodCheck<Omit<CaseSubmission, 'manifest'>>[]))
export type CaseDescription = z.infer<typeof CaseDescription>

/** What `POST /v1/cases` takes besides the manifest. */
export type DescribedSubmission = Omit<CaseDescription, 'documents'>

/** One file to upload, described as `POST /v1/uploads` and the manifest need it. */
export type CaseFile = {
  path: string
  name: string
  contentType: string
  size: number
  sha256: string
  material?: string
}

/** A checked file as the client uploads it: streamed from disk, again on each try. */
export const documentSourceOf = ({ path, ...file }: CaseFile): DocumentSource => ({
  ...file,
  open: () => createReadStream(path),
})

/** A folder ready to submit. */
export type CaseFolder = { submission: DescribedSubmission; files: CaseFile[] }

/** Why a case folder cannot be submitted, for scripts: one code per kind of fix. */
export type CaseFolderProblemCode =
  | 'description-missing'
  | 'description-ambiguous'
  | 'description-unreadable'
  | 'description-syntax'
  | 'description-invalid'
  | 'no-files'
  | 'too-many-files'
  | 'missing'
  | 'duplicate'
  | 'not-a-file'
  | 'symlink-escapes'
  | 'empty'
  | 'too-large'
  | 'unknown-type'
  | 'unreadable'

/** One problem: the file it is about, and for a description error the JSON pointer inside it. */
export type CaseFolderProblem = {
  code: CaseFolderProblemCode
  file: string
  pointer?: string
  message: string
}

const descriptionNames = ['case.json', 'case.yaml', 'case.yml']

/** The description is sent as a JSON body, and the exchange refuses bodies over 1 MiB. */
const maxDescriptionBytes = 1024 * 1024

/**
 * Content types by extension: what service windows scan and sign. Another extension is refused
 * (with the file's name) unless `documents` gives its `contentType`: guessing
 * `application/octet-stream` would seal a package the home cannot open.
 */
const contentTypes: Readonly<Record<string, string>> = {
  '.pdf': 'application/pdf',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.ofd': 'application/ofd',
  '.xml': 'application/xml',
  '.json': 'application/json',
  '.txt': 'text/plain',
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error)

/** The description's value, or undefined with the problems that stop it being read. */
const readDescription = async (
  root: string,
  entries: readonly Dirent[],
  problems: CaseFolderProblem[],
): Promise<{ file: string; value: unknown } | undefined> => {
  const found = entries.filter((entry) => descriptionNames.includes(entry.name)).map((entry) => entry.name)
  const [file] = found
  if (file === undefined) {
    problems.push({ code: 'description-missing', file: 'case.json', message: 'no case.json or case.yaml' })
    return undefined
  }
  if (found.length > 1) {
    problems.push({
      code: 'description-ambiguous',
      file,
      message: `only one of ${found.join(', ')} may describe the case`,
    })
    return undefined
  }
  let text: string
  try {
    const { size } = await stat(join(root, file))
    if (size > maxDescriptionBytes) {
      problems.push({ code: 'description-unreadable', file, message: `is over ${maxDescriptionBytes} bytes` })
      return undefined
    }
    text = await readFile(join(root, file), 'utf8')
  } catch (error) {
    problems.push({ code: 'description-unreadable', file, message: `cannot be read (${errorCode(error)})` })
    return undefined
  }
  const parsed = parseDataText(text, file !== 'case.json')
  if ('value' in parsed) return { file, value: parsed.value }
  problems.push({ code: 'description-syntax', file, message: parsed.problem })
  return undefined
}

/** Every problem of the description, each at its JSON pointer. */
const checkDescription = (file: string, value: unknown, problems: CaseFolderProblem[]) => {
  const parsed = CaseDescription.safeParse(value)
  if (parsed.success) return parsed.data
  for (const issue of parsed.error.issues)
    problems.push({
      code: 'description-invalid',
      file,
      pointer: jsonPointer(issue.path),
      message: issue.message,
    })
  return undefined
}

/** Every regular file (or link) of the folder by name, except dotfiles (the submit journal lives there). */
const listing = (entries: readonly Dirent[], except: readonly string[] = []): DocumentEntry[] =>
  entries
    .filter((entry) => !entry.name.startsWith('.') && !except.includes(entry.name))
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => ({ file: entry.name }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))

/**
 * The documents to send: the description's `documents` when it lists them, else the folder's
 * listing but the description; undefined when the list itself is broken, as the description's
 * problems already say.
 */
const documentsOf = (description: unknown, entries: readonly Dirent[]): DocumentEntry[] | undefined => {
  if (typeof description === 'object' && description !== null && 'documents' in description) {
    const listed = DocumentList.safeParse(description.documents)
    return listed.success ? listed.data : undefined
  }
  return listing(entries, descriptionNames)
}

const isInside = (root: string, path: string) => {
  const within = relative(root, path)
  return within !== '' && within !== '..' && !within.startsWith(`..${sep}`) && !isAbsolute(within)
}

/** A document's file checked without reading it: where it really is, its size, its type, that it opens. */
const inspect = async (
  root: string,
  entry: DocumentEntry,
): Promise<{ file: Omit<CaseFile, 'sha256'> } | { problem: Omit<CaseFolderProblem, 'file'> }> => {
  const path = join(root, entry.file)
  let real: string
  let info: Stats
  try {
    real = await realpath(path)
    info = await stat(real)
  } catch (error) {
    return errorCode(error) === 'ENOENT'
      ? { problem: { code: 'missing', message: 'is not in the folder (or is a link to nothing)' } }
      : { problem: { code: 'unreadable', message: `cannot be read (${errorCode(error)})` } }
  }
  if (!isInside(root, real))
    return { problem: { code: 'symlink-escapes', message: 'is a link to outside the folder' } }
  if (!info.isFile()) return { problem: { code: 'not-a-file', message: 'is not a regular file' } }
  const { size } = info
  if (size === 0) return { problem: { code: 'empty', message: 'is empty' } }
  if (size > maxDocumentBytes)
    return {
      problem: {
        code: 'too-large',
        message: `is ${size} bytes, over the limit of ${maxDocumentBytes} (50 MiB)`,
      },
    }
  const contentType = entry.contentType ?? contentTypes[extname(entry.file).toLowerCase()]
  if (contentType === undefined)
    return {
      problem: {
        code: 'unknown-type',
        message: `has an extension of unknown type (known: ${Object.keys(contentTypes).join(' ')})`,
      },
    }
  try {
    await (await open(real, 'r')).close()
  } catch (error) {
    return { problem: { code: 'unreadable', message: `cannot be read (${errorCode(error)})` } }
  }
  return {
    file: {
      path,
      name: entry.file,
      contentType,
      size,
      ...(entry.material === undefined ? {} : { material: entry.material }),
    },
  }
}

const listProblems = (problems: readonly CaseFolderProblem[]) =>
  problems
    .map(
      (problem) =>
        `${problem.file}${problem.pointer === undefined ? '' : ` ${problem.pointer}`}: ${problem.message}`,
    )
    .join('; ')

/** The folder's real path and entries, or a refusal naming the folder as the user gave it. */
const openFolder = async (dir: string, what: string) => {
  try {
    const root = await realpath(dir)
    return { root, entries: await readdir(root, { withFileTypes: true }) }
  } catch (error) {
    throw new CommandError('not-a-folder', `cannot read the ${what} ${dir} (${errorCode(error)})`)
  }
}

/** Each document checked without reading it, every problem (and the count's) added to `problems`. */
const inspectAll = async (
  root: string,
  dir: string,
  documents: readonly DocumentEntry[],
  problems: CaseFolderProblem[],
) => {
  if (documents.length > maxDocuments)
    problems.push({
      code: 'too-many-files',
      file: dir,
      message: `has ${documents.length} documents, over the limit of ${maxDocuments}`,
    })
  const seen = new Set<string>()
  const files: Omit<CaseFile, 'sha256'>[] = []
  for (const entry of documents) {
    if (seen.has(entry.file)) {
      problems.push({ code: 'duplicate', file: entry.file, message: 'is listed twice in documents' })
      continue
    }
    seen.add(entry.file)
    const inspected = await inspect(root, entry)
    if ('problem' in inspected) problems.push({ ...inspected.problem, file: entry.file })
    else files.push(inspected.file)
  }
  return files
}

/** Each file with its SHA-256; a file that fails to read is a problem. */
const hashAll = async (files: readonly Omit<CaseFile, 'sha256'>[], problems: CaseFolderProblem[]) => {
  const hashed: CaseFile[] = []
  for (const file of files) {
    try {
      hashed.push({ ...file, sha256: await fileSha256(file.path) })
    } catch (error) {
      problems.push({ code: 'unreadable', file: file.name, message: `cannot be read (${errorCode(error)})` })
    }
  }
  return hashed
}

const refuse = (code: string, what: string, problems: readonly CaseFolderProblem[]) =>
  new CommandError(
    code,
    `${what} cannot be sent, ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${listProblems(problems)}`,
    { details: { problems } },
  )

/**
 * Reads a case folder as a submission will send it: the description, validated with the schema of
 * `POST /v1/cases`, and each document's type, size and SHA-256. Refuses with every problem at once
 * before anything is uploaded; the files are read (hashed) only when nothing else is wrong.
 */
export const readCaseFolder = async (dir: string): Promise<CaseFolder> => {
  const { root, entries } = await openFolder(dir, 'case folder')
  const problems: CaseFolderProblem[] = []
  const raw = await readDescription(root, entries, problems)
  const description = raw === undefined ? undefined : checkDescription(raw.file, raw.value, problems)
  // An empty `documents` list is the description's problem; an empty folder is this one.
  const listed = documentsOf(raw?.value, entries)
  if (listed?.length === 0)
    problems.push({ code: 'no-files', file: dir, message: 'has no documents to send' })
  const files = await inspectAll(root, dir, listed ?? [], problems)
  if (problems.length === 0 && description !== undefined) {
    const { documents: _listed, ...submission } = description
    const hashed = await hashAll(files, problems)
    if (problems.length === 0) return { submission, files: hashed }
  }
  throw refuse('case-folder-refused', `case folder ${dir}`, problems)
}

/**
 * Reads a folder of documents with no description (a supplement, a result package): every file
 * but dotfiles, by name, checked and hashed as `readCaseFolder` does, with every problem at once.
 */
export const readDocumentFolder = async (dir: string): Promise<CaseFile[]> => {
  const { root, entries } = await openFolder(dir, 'document folder')
  const problems: CaseFolderProblem[] = []
  const documents = listing(entries)
  if (documents.length === 0)
    problems.push({ code: 'no-files', file: dir, message: 'has no documents to send' })
  const files = await inspectAll(root, dir, documents, problems)
  const hashed = problems.length === 0 ? await hashAll(files, problems) : []
  if (problems.length === 0) return hashed
  throw refuse('document-folder-refused', `document folder ${dir}`, problems)
}
