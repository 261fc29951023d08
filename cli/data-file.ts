import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { CommandError } from './command-error.js'

const yamlExtensions = ['.yaml', '.yml']

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
  try {
    return yaml ? parseYaml(text) : JSON.parse(text)
  } catch (error) {
    // YAML's messages go on with an excerpt of the file; the first line says what and where.
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.replace(/:$/, '')
    throw new CommandError('file-syntax', `${path} is not valid ${yaml ? 'YAML' : 'JSON'}: ${message}`)
  }
}
