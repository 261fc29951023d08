import { randomUUID } from 'node:crypto'
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { newPrivateJwk, publicJwkOf } from '#local/keys.js'
import { requestAlgorithms } from '#shared/trust/token-rules.js'
import { defineCommand, participantOf } from './command.js'
import { CommandError, usageError } from './command-error.js'
import { formatTable } from './table.js'

const usage = `exchange keys generate --participant <id> [--alg ES256|EdDSA] [--out <dir>] [--force] [--json]

Creates a signing key pair for a participant, named by its RFC 7638 thumbprint (the kid):
  <dir>/<id>-private-jwk.json  the private JWK, created with mode 0600: keep it, pass it as --key
  <dir>/<id>-jwks.json         the public JWKS { "keys": [ … ] }: the admin registers it, or the
                               participant rotates to it
  --participant <id>  the participant the key is for (env EXCHANGE_PARTICIPANT)
  --alg <alg>         ES256 (EC P-256, the default) or EdDSA (Ed25519)
  --out <dir>         where to write both files (default: the current directory; created if missing)
  --force             replace existing files (the private key they held is lost)`

const isAlgorithm = (alg: string): alg is (typeof requestAlgorithms)[number] =>
  (requestAlgorithms as readonly string[]).includes(alg)

const alreadyThere = (path: string) =>
  new CommandError('key-file-exists', `${path} exists: pass --force to replace it`)

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  )

/**
 * Writes `text` to a file created with `mode` (never widened later), refusing an existing file; with
 * `replace`, a new file is written beside it and renamed over it, so no reader sees half a key.
 */
const createFile = async (path: string, text: string, mode: number, replace: boolean) => {
  try {
    if (!replace) return await writeFile(path, text, { mode, flag: 'wx' })
    const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`)
    await writeFile(temporary, text, { mode, flag: 'wx' })
    await rename(temporary, path).catch(async (error: unknown) => {
      await rm(temporary, { force: true })
      throw error
    })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw alreadyThere(path)
    throw new CommandError('cannot-write', `cannot write ${path} (${code ?? String(error)})`)
  }
}

/** `exchange keys generate`: a new key pair on disk, the private half readable by its owner only. */
export const keysGenerate = defineCommand({
  summary: 'create a key pair: a private JWK (mode 0600) and the public JWKS to register',
  usage,
  options: {
    participant: { type: 'string' },
    alg: { type: 'string', default: 'ES256' },
    out: { type: 'string', default: '.' },
    force: { type: 'boolean', default: false },
  },
  run: async ({ values, env }) => {
    const participant = participantOf(values.participant, env)
    const { alg, out, force } = values
    if (!isAlgorithm(alg))
      throw usageError('bad-alg', `--alg must be ES256 or EdDSA, not ${JSON.stringify(alg)}`)
    const privateKey = join(out, `${participant}-private-jwk.json`)
    const jwks = join(out, `${participant}-jwks.json`)
    if (!force) for (const path of [privateKey, jwks]) if (await exists(path)) throw alreadyThere(path)
    await mkdir(out, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw new CommandError('cannot-write', `cannot create ${out} (${error.code})`)
    })
    const jwk = await newPrivateJwk(alg)
    await createFile(privateKey, `${JSON.stringify(jwk, null, 2)}\n`, 0o600, force)
    await createFile(jwks, `${JSON.stringify({ keys: [publicJwkOf(jwk)] }, null, 2)}\n`, 0o644, force)
    return {
      result: { participant, alg, kid: jwk.kid, privateKey, jwks },
      lines: formatTable(
        [{}, {}],
        [
          ['private key', `${privateKey} (mode 0600: keep it secret, pass it as --key)`],
          ['public JWKS', `${jwks} (the admin registers it, or you rotate to it)`],
          ['kid', jwk.kid ?? ''],
          ['alg', alg],
        ],
      ),
    }
  },
})
