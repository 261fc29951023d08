import { randomUUID } from 'node:crypto'
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { importJWK, type JWK, jwtVerify, SignJWT } from 'jose'
import { joseSignatureVerifier } from '#functions/adapters/jose-signature-verifier.js'
import { parseConfig } from '#functions/config.js'
import { dynamodbClient, storeDependencies } from '#functions/dependencies/stores.js'
import { newPrivateJwk, publicJwkOf } from '#local/keys.js'
import { parsePublicJwks } from '#shared/registry/jwks.js'
import type { Participant } from '#shared/registry/participant.js'
import { registerParticipant } from '#shared/registry/register-participant.js'
import type { Collection, RecordReader } from '#shared/store/changes.js'
import { type AuthenticateDeps, authenticate, type ReplayGuard } from '#shared/trust/authenticate.js'
import { maxTokenLifetimeSeconds } from '#shared/trust/token-rules.js'
import { type Comparison, type ComparisonOptions, callsPerSide, compare, nth } from './measure.js'
import { figure, type Section, times } from './report.js'

type Algorithm = 'ES256' | 'EdDSA'

const algorithms: readonly Algorithm[] = ['ES256', 'EdDSA']

/** The goal: authentication with warm caches costs at most this much more than jwtVerify. */
const goalRatio = 1.5

/** A participant as the benchmark holds it: its private key and its public registration. */
type Caller = { id: string; alg: Algorithm; jwk: JWK; participant: Participant }

const newCaller = async (id: string, alg: Algorithm): Promise<Caller> => {
  const jwk = await newPrivateJwk(alg)
  const at = new Date().toISOString()
  const participant: Participant = {
    id,
    name: `Benchmark caller (${alg})`,
    kind: 'district',
    roles: ['accepting', 'home'],
    jwks: parsePublicJwks({ keys: [publicJwkOf(jwk)] }, 'the benchmark key'),
    status: 'active',
    version: 1,
    createdAt: at,
    updatedAt: at,
  }
  return { id, alg, jwk, participant }
}

/** `count` request tokens of `caller`, each with its own `jti`, issued at `now` for the longest lifetime. */
const mintTokens = async (caller: Caller, audience: string, now: Date, count: number) => {
  const key = await importJWK(caller.jwk, caller.alg)
  const iat = Math.floor(now.getTime() / 1000)
  const tokens: string[] = []
  for (let i = 0; i < count; i++) {
    tokens.push(
      await new SignJWT({ sub: 'bench', jti: randomUUID() })
        .setProtectedHeader({ alg: caller.alg, kid: caller.jwk.kid ?? '', typ: 'exchange-req+jwt' })
        .setIssuer(caller.id)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + maxTokenLifetimeSeconds)
        .sign(key),
    )
  }
  return tokens
}

/** The baseline every authentication is compared with: jose alone, with a key imported once. */
const bareJwtVerify = async (caller: Caller, tokens: readonly string[]) => {
  const key = await importJWK(publicJwkOf(caller.jwk), caller.alg)
  return (index: number) => jwtVerify(nth(tokens, index), key)
}

/** A registry answering from memory: each record under its collection and id, as stored. */
export const memoryRecords = (
  records: readonly [Collection, string, { version: number }][],
): RecordReader => {
  const byKey = new Map(records.map(([collection, id, value]) => [`${collection}/${id}`, value]))
  return {
    get: async <T>(collection: Collection, id: string) => {
      const value = byKey.get(`${collection}/${id}`)
      return value === undefined ? undefined : { value: value as T, version: value.version }
    },
    list: async () => ({ values: [], next: undefined }),
    names: async () => [],
  }
}

/** A replay guard that remembers token ids in a Set, as the conditional put does in DynamoDB. */
const memoryReplayGuard = (): ReplayGuard => {
  const spent = new Set<string>()
  return {
    claim: async (issuer, jti) => {
      const key = `${issuer}#${jti}`
      if (spent.has(key)) return false
      spent.add(key)
      return true
    },
  }
}

const cpuPlan: Omit<ComparisonOptions, 'baseline' | 'subject'> = { warmup: 300, rounds: 20, perRound: 250 }
const storePlan: Omit<ComparisonOptions, 'baseline' | 'subject'> = { warmup: 100, rounds: 10, perRound: 40 }

const comparisonRow = (alg: Algorithm, result: Comparison, goal: string) => [
  alg,
  figure(result.baseline.median),
  figure(result.baseline.p99),
  figure(result.subject.median),
  figure(result.subject.p99),
  times(result.ratio),
  `${times(result.roundRatios.min)}–${times(result.roundRatios.max)}`,
  figure(result.cpu.baseline),
  figure(result.cpu.subject),
  times(result.cpu.ratio),
  goal,
]

/** Times are microseconds per call: wall-clock median and p99, and process CPU time per call. */
const comparisonColumns = (baseline: string, subject: string) => [
  { title: 'alg', align: 'left' as const },
  { title: `${baseline} median` },
  { title: `${baseline} p99` },
  { title: `${subject} median` },
  { title: `${subject} p99` },
  { title: 'ratio' },
  { title: 'ratio per round' },
  { title: `${baseline} CPU` },
  { title: `${subject} CPU` },
  { title: 'CPU ratio' },
  { title: 'goal', align: 'left' as const },
]

/** How to read the columns of both authentication tables. */
const columnsExplained =
  'All times in µs per call. "ratio" is the subject\'s median over the baseline\'s (the goal is judged' +
  ' on it); "ratio per round" is the lowest and highest of the same ratio computed round by round;' +
  ' "CPU" is process CPU time per call (user + system, all threads), which time taken by other' +
  ' processes on the shared machine does not inflate.'

/**
 * Benchmark 1: `authenticate` with warm caches (the real jose verifier with its key cache, an
 * in-memory registry and replay guard) against a bare `jose.jwtVerify` of the same tokens.
 */
export const authenticationCost = async (): Promise<Section> => {
  const exchangeId = 'exchange-bench'
  const now = new Date()
  const rows: string[][] = []
  const goals: Section['goals'] = []
  for (const alg of algorithms) {
    const caller = await newCaller(`bench-${alg.toLowerCase()}`, alg)
    const tokens = await mintTokens(caller, exchangeId, now, callsPerSide(cpuPlan))
    const authorizations = tokens.map((token) => `Bearer ${token}`)
    const deps: AuthenticateDeps = {
      records: memoryRecords([['participant', caller.id, caller.participant]]),
      adminJwks: caller.participant.jwks,
      verifier: joseSignatureVerifier(),
      replay: memoryReplayGuard(),
      exchangeId,
      clock: () => now,
    }
    const result = await compare({
      ...cpuPlan,
      baseline: await bareJwtVerify(caller, tokens),
      subject: (index) => authenticate(deps, nth(authorizations, index)),
    })
    const met = result.ratio <= goalRatio
    rows.push(comparisonRow(alg, result, `≤ ${times(goalRatio)}: ${met ? 'met' : 'NOT MET'}`))
    goals.push({ text: `${alg} authentication ≤ ${times(goalRatio)} a bare jwtVerify`, met })
  }
  return {
    title: 'Authentication cost per request, warm caches (CPU only)',
    about: [
      '`authenticate(deps, "Bearer " + token)` from `shared/trust/authenticate.ts` with the real',
      '`joseSignatureVerifier()` (its imported-key cache warm), an in-memory registry returning the',
      'participant and a Set-based replay guard; each call spends a fresh `jti`. Baseline: `jose.jwtVerify`',
      'of the same tokens with a key imported once. ' +
        `${cpuPlan.rounds} alternating rounds of ${cpuPlan.perRound} calls per side after ` +
        `${cpuPlan.warmup} warm-up calls.`,
    ],
    columns: comparisonColumns('jwtVerify', 'authenticate'),
    rows,
    goals,
    notes: [
      columnsExplained,
      'The registry read and the replay guard are in memory on purpose: a store round-trip is I/O, not' +
        ' authentication CPU. The DynamoDB section below measures them separately.',
    ],
  }
}

/** The environment of a running local exchange, as `startLocalExchange` returns it. */
export type StoreEnvironment = Record<string, string>

/**
 * Benchmark 1b (no goal): `authenticate` as the authorizer runs it, against DynamoDB Local (a
 * consistent GetItem of the participant and a conditional PutItem of the `jti`), next to the same
 * two calls made directly with the SDK.
 */
export const authenticationWithDynamoDb = async (env: StoreEnvironment): Promise<Section> => {
  const settings = parseConfig(env)
  const { registry, trust } = storeDependencies(settings)
  const client = dynamodbClient(settings)
  const rows: string[][] = []
  for (const alg of algorithms) {
    const caller = await newCaller(`bench-store-${alg.toLowerCase()}`, alg)
    await registerParticipant(registry, {
      id: caller.id,
      input: {
        name: caller.participant.name,
        kind: caller.participant.kind,
        roles: caller.participant.roles,
        jwks: caller.participant.jwks,
      },
      actor: { participant: 'admin', sub: 'bench', roles: ['admin'] },
    })
    const tokens = await mintTokens(caller, settings.EXCHANGE_ID, new Date(), callsPerSide(storePlan))
    const authorizations = tokens.map((token) => `Bearer ${token}`)
    const nonce = `bench-baseline-${randomUUID()}`
    const result = await compare({
      ...storePlan,
      baseline: async (index) => {
        await client.send(
          new GetItemCommand({
            TableName: settings.STATE_TABLE,
            Key: { pk: { S: 'participant' }, sk: { S: caller.id } },
            ConsistentRead: true,
          }),
        )
        await client.send(
          new PutItemCommand({
            TableName: settings.NONCE_TABLE,
            Item: {
              pk: { S: `${nonce}#${index}` },
              expiresAt: { N: String(Math.ceil(Date.now() / 1000) + maxTokenLifetimeSeconds) },
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
      },
      subject: (index) => authenticate(trust, nth(authorizations, index)),
    })
    rows.push(comparisonRow(alg, result, 'none (for the record)'))
  }
  client.destroy()
  return {
    title: 'Authorizer latency against DynamoDB Local (no goal)',
    about: [
      '`authenticate` with the dependencies the authorizer Lambda builds (`storeDependencies`): a',
      'strongly consistent GetItem of the participant on the state table and a conditional PutItem of',
      'the `jti` on the nonces table, against DynamoDB Local on loopback. Baseline: the same two calls',
      'made directly with the SDK, one after the other. ' +
        `${storePlan.rounds} alternating rounds of ${storePlan.perRound} calls per side after ` +
        `${storePlan.warmup} warm-up calls.`,
    ],
    columns: comparisonColumns('GetItem+PutItem', 'authenticate'),
    rows,
    goals: [],
    notes: [
      columnsExplained,
      'CPU here is the benchmark process only: DynamoDB Local runs in its own (Java) process.',
      'DynamoDB Local (Java, SQLite) is far slower than DynamoDB and shares the 2 cores with the' +
        ' benchmark: these figures show the round-trips dominate, not what the service would answer.',
    ],
  }
}
