import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose'
import { leafHash, verifyConsistency, verifyInclusion } from '#shared/audit/merkle.js'
import type { ExchangeTokenType } from '#shared/trust/exchange-signer.js'
import { UntrustedAnswer } from './client-errors.js'

const names: Record<ExchangeTokenType, string> = {
  'exchange-receipt+jwt': 'receipt',
  'exchange-seal+jwt': 'seal',
  'exchange-notice+jwt': 'notice',
  'exchange-checkpoint+jwt': 'checkpoint',
}

/** A checkpoint whose signature verified: the signed tree head and the token itself. */
export type VerifiedCheckpoint = { treeSize: number; rootHash: string; jws: string }

const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'))

/**
 * Checks what the exchange signs against its published keys (`/.well-known/jwks.json`): the
 * signature, the `typ`, the issuer, the audience where the token names the caller, and that the
 * claims bind exactly the answer they came with. A key the set does not know is looked up once more
 * (the exchange may have rotated), then refused. Every failure is an `UntrustedAnswer`.
 */
export const exchangeTrust = (
  exchangeId: string,
  fetchKeys: () => Promise<JSONWebKeySet>,
  initialKeys: JSONWebKeySet,
) => {
  let keys = createLocalJWKSet(initialKeys)

  const verifyWith = async (jws: string, typ: ExchangeTokenType, audience: string | undefined) => {
    const options = {
      issuer: exchangeId,
      typ,
      algorithms: ['ES256', 'EdDSA'],
      requiredClaims: ['iat'],
      ...(audience === undefined ? {} : { audience }),
    }
    try {
      return (await jwtVerify(jws, keys, options)).payload
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error
      keys = createLocalJWKSet(await fetchKeys())
      return (await jwtVerify(jws, keys, options)).payload
    }
  }

  /**
   * Verifies one signed token of the exchange and that its claims equal `expected`; answers its
   * payload. `audience` is the participant the token must be addressed to, if it is addressed to one.
   */
  const verify = async (
    jws: string,
    typ: ExchangeTokenType,
    expected: Record<string, unknown>,
    audience?: string,
  ): Promise<JWTPayload> => {
    const what = names[typ]
    let payload: JWTPayload
    try {
      payload = await verifyWith(jws, typ, audience)
    } catch (error) {
      // Only jose's verdicts are distrust; failing to fetch the keys (a network outage) is not.
      if (!(error instanceof errors.JOSEError)) throw error
      throw new UntrustedAnswer('bad-signature', `the exchange's ${what} does not verify: ${error.message}`, {
        cause: error,
      })
    }
    for (const [claim, value] of Object.entries(expected)) {
      if (payload[claim] !== value) {
        throw new UntrustedAnswer(
          'claims-mismatch',
          `the exchange's ${what} binds ${claim} ${JSON.stringify(payload[claim])}, not ${JSON.stringify(value)}`,
        )
      }
    }
    return payload
  }

  /** Verifies a checkpoint (`aud` is the exchange: it is for everyone) and answers the tree head it signs. */
  const checkpoint = async (jws: string): Promise<VerifiedCheckpoint> => {
    const payload = await verify(jws, 'exchange-checkpoint+jwt', {}, exchangeId)
    const { treeSize, rootHash } = payload
    if (typeof treeSize !== 'number' || typeof rootHash !== 'string' || !/^[0-9a-f]{64}$/.test(rootHash)) {
      throw new UntrustedAnswer('claims-mismatch', "the exchange's checkpoint lacks a tree size or root hash")
    }
    return { treeSize, rootHash, jws }
  }

  /** Checks that the event with `eventHash` is leaf `leafIndex` of the signed tree `head`. */
  const inclusion = (
    eventHash: string,
    proof: { leafIndex: number; treeSize: number; auditPath: readonly string[] },
    head: VerifiedCheckpoint,
  ) => {
    const holds =
      proof.treeSize === head.treeSize &&
      verifyInclusion(
        proof.leafIndex,
        proof.treeSize,
        leafHash(fromHex(eventHash)),
        proof.auditPath.map(fromHex),
        fromHex(head.rootHash),
      )
    if (!holds) {
      throw new UntrustedAnswer(
        'bad-proof',
        `the inclusion proof of leaf ${proof.leafIndex} does not lead to the root of the signed tree of ${head.treeSize}`,
      )
    }
  }

  /** Checks that the signed tree `older` is a prefix of the signed tree `newer`. */
  const consistency = (older: VerifiedCheckpoint, newer: VerifiedCheckpoint, proof: readonly string[]) => {
    const holds = verifyConsistency(
      older.treeSize,
      newer.treeSize,
      fromHex(older.rootHash),
      fromHex(newer.rootHash),
      proof.map(fromHex),
    )
    if (!holds) {
      throw new UntrustedAnswer(
        'bad-proof',
        `the signed tree of ${newer.treeSize} does not extend the signed tree of ${older.treeSize}`,
      )
    }
  }

  return { verify, checkpoint, inclusion, consistency }
}

export type ExchangeTrust = ReturnType<typeof exchangeTrust>
