import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'

/** SHA-256 (lowercase hex) of a file, read a chunk at a time: fifty 50 MiB scans never sit in memory together. */
export const fileSha256 = async (path: string): Promise<string> => {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
