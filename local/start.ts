/** `npm start`: the exchange on this machine, until Ctrl-C. */
import * as z from 'zod'
import { AdminJwks } from '#functions/config.js'
import { startLocalExchange } from './exchange.js'

const Settings = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  EXCHANGE_ID: z.string().default('exchange-local'),
  EXCHANGE_DATA_DIR: z.string().min(1).default('.local'),
  EXCHANGE_TICK_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  // Checked here, before any store starts, with the same schema the functions use.
  EXCHANGE_ADMIN_JWKS: AdminJwks.optional(),
})

const parsed = Settings.safeParse(process.env)
if (!parsed.success) {
  console.error(
    `Invalid setting: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  )
  process.exit(1)
}
const settings = parsed.data

const exchange = await startLocalExchange({
  dataDir: settings.EXCHANGE_DATA_DIR,
  port: settings.PORT,
  exchangeId: settings.EXCHANGE_ID,
  tickSeconds: settings.EXCHANGE_TICK_SECONDS,
  ...(settings.EXCHANGE_ADMIN_JWKS === undefined
    ? {}
    : { adminJwks: JSON.stringify(settings.EXCHANGE_ADMIN_JWKS) }),
}).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
})

console.log(`Exchange ${settings.EXCHANGE_ID} listening on ${exchange.url}`)
console.log(`  API reference: ${exchange.url}/docs`)
console.log(`  Data directory: ${settings.EXCHANGE_DATA_DIR}`)
if (exchange.adminKeyPath !== undefined) console.log(`  Admin private key (JWK): ${exchange.adminKeyPath}`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  console.log('Stopping the exchange and its stores...')
  await exchange.stop()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
