import { CommandError } from './command-error.js'

/** The files `packages download` writes beside a package's documents, by what they hold. */
export const packageSidecars = { manifest: 'manifest.jwt', seal: 'seal.jwt' } as const

/** Where `packages download` writes a document until its hash is checked. */
export const partialName = (name: string): string => `${name}.part`

/**
 * A file name as the file systems partners download onto compare it: macOS and Windows ignore letter
 * case, macOS also the Unicode normalization form, and Windows drops trailing dots and spaces.
 */
const onDisk = (name: string) =>
  name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[. ]+$/, '')

/** Documents of one package that would be written to one file, with the sidecar they would overwrite, if any. */
export type NameCollision = { names: string[]; sidecar?: string }

/**
 * The documents of one package (their names, in order) that would overwrite one another or a sidecar
 * in its folder: the same name twice (only document ids are unique), names differing only in letter
 * case, a sidecar's name, or another document's partial name. Empty when each gets a file of its own.
 */
export const nameCollisions = (names: readonly string[]): NameCollision[] => {
  const files = new Map<string, NameCollision & { partialOnly: boolean }>()
  const claim = (file: string) => {
    const key = onDisk(file)
    const claimed = files.get(key) ?? { names: [], partialOnly: true }
    files.set(key, claimed)
    return claimed
  }
  for (const name of names) {
    const file = claim(name)
    file.names.push(name)
    file.partialOnly = false
    claim(partialName(name)).names.push(name)
  }
  for (const sidecar of Object.values(packageSidecars)) claim(sidecar).sidecar = sidecar
  // Partial names collide only where their documents' names do: that collision names them already.
  return [...files.values()]
    .filter((file) => file.names.length + (file.sidecar === undefined ? 0 : 1) > 1 && !file.partialOnly)
    .map(({ names, sidecar }) => ({ names, ...(sidecar === undefined ? {} : { sidecar }) }))
}

/** What `packages download` reads of a package to name its files. */
type PackageListing = { packageId: string; documents: readonly { name: string }[] }

const described = ({ names, sidecar }: NameCollision) =>
  `${names.map((name) => JSON.stringify(name)).join(' and ')} would overwrite ${
    sidecar === undefined ? 'one another' : `the ${sidecar} written beside the documents`
  }`

/**
 * Refuses a package whose documents would overwrite one another or its sidecars, before anything of
 * it is written: the exchange tells documents apart by id alone, and takes any name.
 */
export const checkPackageFiles = ({ packageId, documents }: PackageListing): void => {
  const collisions = nameCollisions(documents.map(({ name }) => name))
  if (collisions.length === 0) return
  throw new CommandError(
    'name-collision',
    `package ${packageId} cannot be written to one folder: ${collisions.map(described).join('; ')}`,
    { details: { packageId, collisions } },
  )
}
