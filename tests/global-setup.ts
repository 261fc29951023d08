import type { JWK } from 'jose'
import type { TestProject } from 'vitest/node'
import { startLocalExchange } from '#local/exchange.js'
import { newPrivateJwk, publicJwkOf } from '#local/keys.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The exchange every test file talks to over HTTP, and the admin's private key. */
    exchange: { url: string; exchangeId: string; adminJwk: JWK; env: Record<string, string> }
  }
}

/** Starts the local stack once for the run: DynamoDB Local, s3rver and the gateway, in memory. */
export default async function setup(project: TestProject) {
  const adminJwk = await newPrivateJwk('ES256')
  const exchangeId = 'exchange-test'
  const exchange = await startLocalExchange({
    exchangeId,
    adminJwks: JSON.stringify({ keys: [publicJwkOf(adminJwk)] }),
  })
  project.provide('exchange', { url: exchange.url, exchangeId, adminJwk, env: exchange.env })
  return () => exchange.stop()
}
