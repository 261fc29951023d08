import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { CommandError } from './command-error.js'

const yamlExtensions = ['.yaml', '.yml']

/** A zod issue's path as the JSON pointer people and scripts are told. */
export const jsonPointer = (path: readonly PropertyKey[]) => `/${path.map(String).join('/')}`

/** JSON or YAML text as a value, or the first line of why it is not one. */
export const parseDataText = (text: string, yaml: boolean): { value: unknown } | { problem: string } => {
  try {
    return { value: yaml ? parseYaml(text) : JSON.parse(text) }
  } catch (error) {
    // YAML's messages go on with an excerpt of the file; the first line says what and where.
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.replace(/:$/, '')
    return { problem: message ?? 'cannot be parsed' }
  }
}

/**
 * The value of a JSON file, or of a YAML file (`.yaml`, `.yml`): what a registry write sends as its
 * body, as people keep it. Refused, naming the file, when it cannot be read or parsed; whether the
 * value is a valid body is the exchange's to say (`422` with every offending field).
 */
export const readDataFile = async (path: string): Promise<unknown> => {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new CommandError(
      'file-unreadable',
      `cannot read ${path} (${(error as NodeJS.ErrnoException).code})`,
    )
  }
  const yaml = yamlExtensions.includes(extname(path).toLowerCase())
  const parsed = parseDataText(text, yaml)
  if ('problem' in parsed)
    throw new CommandError('file-syntax', `${path} is not valid ${yaml ? 'YAML' : 'JSON'}: ${parsed.problem}`)
  return parsed.value
}
