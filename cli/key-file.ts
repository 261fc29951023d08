import { readFile, stat } from 'node:fs/promises'
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose'
import { KeyId } from '#shared/registry/jwks.js'
import type { ParticipantKey } from '../client/request-token.js'
import { CommandError } from './command-error.js'

/** Why a key file was refused, for scripts: each reason has one fix. */
export type KeyFileRefusal =
  | 'key-file-unreadable'
  | 'key-file-permissions'
  | 'key-file-not-json'
  | 'key-file-not-jwk'
  | 'key-wrong-type'
  | 'key-public-only'
  | 'key-no-kid'
  | 'key-unusable'

const refuse = (reason: KeyFileRefusal, message: string) => new CommandError(reason, message)

/** The algorithm each accepted key type signs requests with (contract section 2). */
const algorithmFor = (jwk: { kty?: unknown; crv?: unknown }): 'ES256' | 'EdDSA' | undefined => {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256'
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA'
  return undefined
}

/** The `alg` members a JWK of each type may carry, if it carries one. */
const declaredAlgorithms = { ES256: ['ES256'], EdDSA: ['EdDSA', 'Ed25519'] }

/** "EC P-384", "RSA", …: what the file holds, cut short so a hostile file cannot flood the line. */
const describeKey = (jwk: { kty?: unknown; crv?: unknown }) =>
  [jwk.kty, jwk.crv]
    .filter((part) => typeof part === 'string')
    .join(' ')
    .slice(0, 40)

/**
 * The private key a participant signs with, from a JWK file only its owner can read or write:
 * refused, with the reason and the fix, when the file is open to others, not a private EC P-256 or
 * Ed25519 JWK with a `kid`, or does not sign what its own public half verifies.
 */
export const loadParticipantKey = async (path: string, participant: string): Promise<ParticipantKey> => {
  let text: string
  try {
    const { mode } = await stat(path)
    // Windows has no such modes to check; everywhere else a key others can read is already spent.
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      const octal = (mode & 0o777).toString(8).padStart(4, '0')
      throw refuse(
        'key-file-permissions',
        `key file ${path} is open to group or others (mode ${octal}): run chmod 600 ${path}`,
      )
    }
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (error instanceof CommandError) throw error
    throw refuse(
      'key-file-unreadable',
      `cannot read key file ${path} (${(error as NodeJS.ErrnoException).code})`,
    )
  }
  let jwk: unknown
  try {
    jwk = JSON.parse(text)
  } catch {
    throw refuse('key-file-not-json', `key file ${path} is not JSON (expected a private JWK)`)
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk) || !('kty' in jwk))
    throw refuse('key-file-not-jwk', `key file ${path} is not a JWK (no "kty")`)
  const key = jwk as JWK
  const alg = algorithmFor(key)
  if (alg === undefined || (key.alg !== undefined && !declaredAlgorithms[alg].includes(key.alg)))
    throw refuse(
      'key-wrong-type',
      `key file ${path} holds a key of type ${describeKey(key)}${key.alg === undefined ? '' : ` for ${key.alg}`}: the exchange accepts EC P-256 (ES256) and OKP Ed25519 (EdDSA) keys`,
    )
  if (key.d === undefined)
    throw refuse(
      'key-public-only',
      `key file ${path} holds a public key only: the private JWK (with "d") is needed`,
    )
  if (!KeyId.safeParse(key.kid).success)
    throw refuse(
      'key-no-kid',
      `key file ${path} has no usable "kid": add the kid the key is registered under`,
    )
  try {
    // A key imports with a private part that does not match its public one; only signing shows it.
    // Without `key_ops`, which may say "sign" only and so keep the public half from verifying.
    const { d: _d, key_ops: _keyOps, ...publicHalf } = key
    const probe = new TextEncoder().encode('exchange key check')
    const signature = await new CompactSign(probe).setProtectedHeader({ alg }).sign(await importJWK(key, alg))
    await compactVerify(signature, await importJWK(publicHalf, alg))
  } catch {
    throw refuse(
      'key-unusable',
      `key file ${path} holds a key of type ${describeKey(key)} that cannot sign: it is damaged`,
    )
  }
  return { participant, jwk: key }
}
