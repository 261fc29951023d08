import { signer } from '../../dependencies/signer.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const exchange = signer()

export const handler = httpHandler(routes.getJwks, async () => ({
  body: { keys: await exchange.publicKeys() },
}))
