/** The token types the exchange signs (contract section 2); each names what it vouches for. */
export type ExchangeTokenType =
  | 'exchange-receipt+jwt'
  | 'exchange-seal+jwt'
  | 'exchange-notice+jwt'
  | 'exchange-checkpoint+jwt'

/** A public key of the exchange, as published at `/.well-known/jwks.json`. */
export type ExchangePublicKey = {
  kty: 'EC'
  crv: 'P-256'
  x: string
  y: string
  kid: string
  alg: 'ES256'
  use: 'sig'
}

/** Signs what the exchange issues with its own key: KMS on AWS, a key file on a laptop. */
export interface ExchangeSigner {
  publicKeys(): Promise<ExchangePublicKey[]>
  sign(typ: ExchangeTokenType, claims: Record<string, unknown>): Promise<string>
}
