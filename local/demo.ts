/**
 * `npm run demo`: plays the stories of seed 003 against a running local exchange (`npm start`):
 * proxy collection with remote intake approval, joint processing across three districts, a
 * supplement round and the time limits with their supervision sweep, printing each step.
 */
import * as z from 'zod'
import { ExchangeProblem } from '../client/client-errors.js'
import { DemoStopped, runDemo } from './demo/run-demo.js'

const Settings = z.object({
  EXCHANGE_URL: z.url().default('http://127.0.0.1:3000'),
  EXCHANGE_DATA_DIR: z.string().min(1).default('.local'),
  /** The admin's private JWK file, when it is not `<EXCHANGE_DATA_DIR>/admin-private-jwk.json`. */
  EXCHANGE_ADMIN_KEY: z.string().min(1).optional(),
  /** How long to wait for the supervision sweep; 0 skips the wait. */
  EXCHANGE_DEMO_SWEEP_WAIT: z.coerce.number().int().min(0).max(600).default(60),
})

const parsed = Settings.safeParse(process.env)
if (!parsed.success) {
  console.error(
    `Invalid setting: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  )
  process.exit(1)
}
const settings = parsed.data

try {
  await runDemo({
    url: settings.EXCHANGE_URL.replace(/\/+$/, ''),
    dataDir: settings.EXCHANGE_DATA_DIR,
    ...(settings.EXCHANGE_ADMIN_KEY === undefined ? {} : { admin: settings.EXCHANGE_ADMIN_KEY }),
    sweepWaitSeconds: settings.EXCHANGE_DEMO_SWEEP_WAIT,
  })
} catch (error) {
  const reason =
    error instanceof DemoStopped
      ? error.message
      : error instanceof ExchangeProblem
        ? `Demo stopped: the exchange refused the last step: ${error.message}`
        : `Demo stopped: ${error instanceof Error ? error.message : String(error)}`
  console.error(reason)
  process.exitCode = 1
}
