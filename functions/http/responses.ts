import * as z from 'zod'
import { errorCodes } from '#shared/errors.js'
import { Agreement } from '#shared/registry/agreement.js'
import { Item } from '#shared/registry/item.js'
import { Participant } from '#shared/registry/participant.js'
import { requestAlgorithms } from '#shared/trust/token-rules.js'

/** An RFC 9457 problem with the exchange's stable `code` (contract section 3). */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(errorCodes),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string(),
  })
  .meta({ id: 'Problem' })

/** `GET /.well-known/exchange-configuration`. */
export const ExchangeConfiguration = z
  .object({
    issuer: z.string(),
    jwks_uri: z.string(),
    api_base: z.string(),
    token_types: z.array(z.string()),
    algorithms: z.array(z.enum(requestAlgorithms)),
    max_token_lifetime_seconds: z.number().int(),
  })
  .meta({ id: 'ExchangeConfiguration' })

/** One of the exchange's public signing keys. */
export const ExchangeJwk = z
  .object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: z.string(),
    y: z.string(),
    kid: z.string(),
    alg: z.literal('ES256'),
    use: z.literal('sig'),
  })
  .meta({ id: 'ExchangeJwk' })

/** `GET /.well-known/jwks.json`. */
export const ExchangeJwks = z.object({ keys: z.array(ExchangeJwk) }).meta({ id: 'ExchangeJwks' })

/** `GET /v1/health`. */
export const Health = z
  .object({ status: z.literal('ok'), exchangeId: z.string(), version: z.string() })
  .meta({ id: 'Health' })

const nextCursor = z
  .string()
  .optional()
  .describe('Pass as `cursor` for the next page; absent on the last page.')

/** `GET /v1/participants`. */
export const ParticipantList = z
  .object({ participants: z.array(Participant), nextCursor })
  .meta({ id: 'ParticipantList' })

/** `GET /v1/items`. */
export const ItemList = z.object({ items: z.array(Item), nextCursor }).meta({ id: 'ItemList' })

/** `GET /v1/agreements`. */
export const AgreementList = z
  .object({ agreements: z.array(Agreement), nextCursor })
  .meta({ id: 'AgreementList' })
