/**
 * The exchange's typed client, for partner systems: what `import … from '<this repo>/client'` offers.
 * Everything else under `client/` is how it works.
 */
export type { RetryPolicy, RouteAnswer, RouteInput, RouteName, RouteOutput } from './call-route.js'
export {
  type DistrustReason,
  ExchangeProblem,
  type ProblemField,
  UntrustedAnswer,
  UploadFailed,
} from './client-errors.js'
export { type DocumentSource, documentFromBytes, type Progress } from './document-transfer.js'
export {
  type ConnectOptions,
  connectExchange,
  type ExchangeClient,
  type UploadWatch,
} from './exchange-client.js'
export type { VerifiedCheckpoint } from './exchange-trust.js'
export { type ParticipantKey, requestToken } from './request-token.js'
