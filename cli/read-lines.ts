import { createReadStream } from 'node:fs'

/**
 * The lines of a text file, a chunk's worth at a time: reading line by line with one promise per
 * line would cost more than checking most lines does. A last line without `\n` is a line too.
 */
export async function* readLines(path: string): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8', { fatal: false })
  let rest = ''
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    const lines = (rest + decoder.decode(chunk as Buffer, { stream: true })).split('\n')
    rest = lines.pop() ?? ''
    yield lines
  }
  rest += decoder.decode()
  if (rest !== '') yield [rest]
}
