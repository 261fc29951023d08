import { PublicJwks } from '#shared/registry/jwks.js'
import { CommandError } from './command-error.js'
import { jsonPointer, readDataFile } from './data-file.js'

const privateMaterial = (path: string, where: string) =>
  new CommandError(
    'jwks-private',
    `${path} holds private key material (${where}): pass the public JWKS, as keys generate writes it to <id>-jwks.json`,
  )

/**
 * A public JWKS file, checked with the registry's own schema before anything is sent, so that a key
 * file holding private members never leaves the machine: the schema declares `d` and the other
 * private members `never`, and a file naming one (or a bare private JWK, the `--key` file passed by
 * mistake) is refused as `jwks-private`; any other defect as `jwks-invalid`, with every field.
 */
export const readPublicJwks = async (path: string): Promise<PublicJwks> => {
  const value = await readDataFile(path)
  const parsed = PublicJwks.safeParse(value)
  if (parsed.success) return parsed.data
  if (typeof value === 'object' && value !== null && 'd' in value) throw privateMaterial(path, '/d')
  const { issues } = parsed.error
  const secret = issues.find((issue) => issue.code === 'invalid_type' && issue.expected === 'never')
  if (secret !== undefined) throw privateMaterial(path, jsonPointer(secret.path))
  const errors = issues.map((issue) => ({ path: jsonPointer(issue.path), message: issue.message }))
  throw new CommandError(
    'jwks-invalid',
    `${path} is not a public JWKS: ${errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`,
    { details: { errors } },
  )
}
