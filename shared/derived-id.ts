import { createHash } from 'node:crypto'

const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'

/** RFC 4648 base32, lowercase and unpadded: ids that are URL-, S3- and DynamoDB-safe as they are. */
const base32 = (bytes: Uint8Array): string => {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += alphabet[(buffer >>> (bits - 5)) & 31]
      bits -= 5
    }
    buffer &= (1 << bits) - 1
  }
  return bits > 0 ? out + alphabet[(buffer << (5 - bits)) & 31] : out
}

/**
 * An id derived from what identifies the thing (130 bits of SHA-256 in 26 base32 characters): the
 * same parts always give the same id, so a retried request writes to the same keys.
 */
export const derivedId = (prefix: string, ...parts: string[]): string =>
  `${prefix}-${base32(createHash('sha256').update(parts.join('\n'), 'utf8').digest()).slice(0, 26)}`
