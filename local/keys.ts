import { randomBytes } from 'node:crypto'
import { chmod, readFile, writeFile } from 'node:fs/promises'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose'

/** A private JWK with the `kid` it will be registered under (its RFC 7638 thumbprint). */
export const newPrivateJwk = async (alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<JWK> => {
  const { privateKey } = await generateKeyPair(alg, { extractable: true })
  const jwk = await exportJWK(privateKey)
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg }
}

/** The public half of a private JWK, as a participant registers it. */
export const publicJwkOf = ({ d: _d, ...publicJwk }: JWK): JWK => publicJwk

/** Reads a private JWK file, creating it (mode 0600) when it does not exist yet. */
export const ensurePrivateJwk = async (path: string, alg: 'ES256' | 'EdDSA' = 'ES256'): Promise<JWK> => {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as JWK
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const jwk = await newPrivateJwk(alg)
  await writeFile(path, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
  await chmod(path, 0o600)
  return jwk
}

/** Creates a file of 32 random bytes (base64, mode 0600) unless it exists: the local data-key master. */
export const ensureSecretKey = async (path: string): Promise<void> => {
  try {
    await writeFile(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
}
