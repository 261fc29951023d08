import { createReadStream } from 'node:fs'

/**
 * The lines of a UTF-8 text file, a chunk's worth at a time: each chunk is cut at its last `\n`,
 * decoded at once and split, which costs far less than a promise or a decoder call per line. A
 * last line without `\n` is a line too.
 */
export async function* readLines(path: string): AsyncGenerator<string[]> {
  let carried: Buffer | undefined
  for await (const read of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    const chunk = carried === undefined ? (read as Buffer) : Buffer.concat([carried, read as Buffer])
    const end = chunk.lastIndexOf(10)
    if (end < 0) {
      carried = chunk
      continue
    }
    carried = chunk.subarray(end + 1)
    yield chunk.toString('utf8', 0, end).split('\n')
  }
  if (carried !== undefined && carried.length > 0) yield [carried.toString('utf8')]
}
