import * as z from 'zod'
import { type PublicJwks, parsePublicJwks } from '#shared/registry/jwks.js'
import { buckets, tables } from './storage-layout.js'

const name = z.string().min(1).max(255)

/** A key held by KMS on AWS, or in a file on a laptop. */
const KeyReference = z.union([
  z
    .string()
    .regex(/^kms:.+/)
    .transform((value) => ({ kind: 'kms' as const, keyId: value.slice(4) })),
  z
    .string()
    .regex(/^file:.+/)
    .transform((value) => ({ kind: 'file' as const, path: value.slice(5) })),
])

/** The admin's public JWKS, handed over as JSON text. */
export const AdminJwks = z.string().transform((text, ctx): PublicJwks => {
  try {
    return parsePublicJwks(JSON.parse(text), 'EXCHANGE_ADMIN_JWKS')
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'not JSON' })
    return z.NEVER
  }
})

/** The environment a function or the local stack runs with; parsed once, at start-up. */
export const Config = z.object({
  EXCHANGE_ID: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,62}$/)
    .default('exchange-local'),
  EXCHANGE_VERSION: z.string().default('0.1.0'),
  EXCHANGE_ADMIN_JWKS: AdminJwks,
  /** How the exchange signs: an asymmetric KMS key, or a private JWK file. */
  EXCHANGE_SIGNING_KEY: KeyReference,
  /** What wraps the data keys of personal data: a symmetric KMS key, or a file of 32 random bytes. */
  EXCHANGE_DATA_KEY: KeyReference,
  AWS_REGION: z.string().default('cn-northwest-1'),
  /** Loopback endpoints of DynamoDB Local and s3rver; unset on AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  [tables.state.env]: name,
  [tables.audit.env]: name,
  [tables.nonces.env]: name,
  [tables.inbox.env]: name,
  [buckets.staging.env]: name,
  [buckets.sealed.env]: name,
})
export type Config = z.infer<typeof Config>

/** Parses `env`, throwing one message that lists every bad or missing setting. */
export const parseConfig = (env: Record<string, string | undefined>): Config => {
  const parsed = Config.safeParse(env)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
  throw new Error(`Invalid configuration: ${problems.join('; ')}`)
}

let loaded: Config | undefined

/** The configuration of this process, read from the environment the first time it is needed. */
export const config = (): Config => {
  loaded ??= parseConfig(process.env)
  return loaded
}
