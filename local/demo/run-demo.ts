import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { JWK } from 'jose'
import { ExchangeProblem } from '../../client/client-errors.js'
import { exchangeSession } from '../../client/exchange-session.js'
import { seedDemo } from '../seed-demo.js'
import { narrator } from './narrator.js'
import { openStage } from './stage.js'
import {
  cast,
  deadlineSupervision,
  jointProcessing,
  promptItem,
  proxyCollection,
  supplementRound,
} from './stories.js'

/** What `npm run demo` needs: where the exchange is, where the keys are, and how long to wait. */
export type DemoOptions = {
  /** The running exchange's base URL. */
  url: string
  /** The data directory: participant keys under `participants/` (what `npm run seed` writes). */
  dataDir: string
  /** The admin's private key, or the file holding it (default `<dataDir>/admin-private-jwk.json`). */
  admin?: JWK | string
  /** How long story 4 waits for the supervision sweep, in seconds; 0 skips the wait. */
  sweepWaitSeconds: number
  /** Where the narration goes; stdout by default. */
  write?: (line: string) => void
}

/** A failure the demo explains in one line, without a stack. */
export class DemoStopped extends Error {
  override readonly name = 'DemoStopped'
}

const connectionRefused = (error: unknown) =>
  error instanceof TypeError &&
  ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET'].includes(
    String((error.cause as { code?: unknown } | undefined)?.code),
  )

/** The exchange's id, or a one-line refusal when no exchange answers at `url`. */
const discover = async (url: string) => {
  try {
    const response = await fetch(`${url}/.well-known/exchange-configuration`)
    if (!response.ok)
      throw new DemoStopped(`${url} is not an exchange (configuration answered ${response.status}).`)
    return ((await response.json()) as { issuer: string }).issuer
  } catch (error) {
    if (error instanceof DemoStopped) throw error
    const cause = connectionRefused(error) ? 'nothing is listening' : String(error)
    throw new DemoStopped(
      `No exchange is running at ${url} (${cause}): start one with \`npm start\` in another terminal, ` +
        'or point EXCHANGE_URL at it.',
    )
  }
}

/**
 * Plays the four stories against a running exchange, each participant acting with its own key.
 * Seeds the demo data first when a participant the stories need cannot act (never seeded, or
 * seeded into another exchange), and registers the deadline story's item when it is missing.
 */
export const runDemo = async (options: DemoOptions): Promise<void> => {
  const say = narrator(options.write)
  const { url, dataDir } = options
  const issuer = await discover(url)
  const keysDir = join(dataDir, 'participants')
  say.line(`Exchange ${issuer} at ${url}; participant keys in ${keysDir}`)

  const adminKey = async () => {
    if (typeof options.admin === 'object') return { participant: 'admin', jwk: options.admin }
    const path = options.admin ?? join(dataDir, 'admin-private-jwk.json')
    try {
      return { participant: 'admin', jwk: JSON.parse(await readFile(path, 'utf8')) as JWK }
    } catch {
      throw new DemoStopped(
        `The demo data must be seeded, but the admin's private key is not at ${path}: ` +
          'set EXCHANGE_ADMIN_KEY to the file holding it.',
      )
    }
  }

  const stage = openStage({ url, issuer, keysDir, narrator: say })
  const canAct = async (id: string) => {
    try {
      await (await stage.actor(id)).session.send('GET', `/v1/participants/${id}`)
      return true
    } catch (error) {
      if (error instanceof ExchangeProblem || (error as NodeJS.ErrnoException).code === 'ENOENT') return false
      throw error
    }
  }
  const missing = (await Promise.all(cast.map(async (id) => ((await canAct(id)) ? [] : [id])))).flat()
  if (missing.length > 0) {
    const lines: string[] = []
    const seeded = await seedDemo({ url, dataDir, admin: await adminKey(), log: (line) => lines.push(line) })
    const count = (word: string) => lines.filter((line) => line.startsWith(word)).length
    say.line(
      `Seeded the demo data as admin (npm run seed; ${missing.length} of the cast could not act): ` +
        `${seeded.participants} participants; ${count('created')} records created, ${count('kept')} kept.`,
    )
  }

  const gaoxin = await stage.actor('xian-gaoxin')
  try {
    await gaoxin.session.send('GET', `/v1/items/${promptItem.code}`)
  } catch (error) {
    if (!(error instanceof ExchangeProblem && error.status === 404)) throw error
    const admin = exchangeSession(url, issuer, await adminKey(), 'demo')
    const { status } = await admin.send('PUT', `/v1/items/${promptItem.code}`, promptItem.input)
    say.step(
      'admin',
      `PUT /v1/items/${promptItem.code}`,
      status,
      `${promptItem.input.name}, promised in 1 day`,
    )
  }

  say.line(
    'Transitions below are POST /v1/cases/{caseId}/legs/{home}/transitions { action, expectedVersion };',
  )
  say.line('every call carries a fresh request token signed with the acting participant’s own key.')
  await proxyCollection(stage)
  await jointProcessing(stage)
  await supplementRound(stage)
  await deadlineSupervision(stage, { sweepWaitSeconds: options.sweepWaitSeconds })
  say.line('')
  say.line('All four stories played: proxy collection, joint processing, a supplement round, time limits.')
}
