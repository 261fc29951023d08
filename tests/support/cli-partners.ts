import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sampleSubmission } from '#local/sample-handoff.js'
import type { Env } from '../../cli/command.js'
import { documentFromBytes } from '../../client/document-transfer.js'
import { connectExchange } from '../../client/exchange-client.js'
import { type Caller, exchange, uniqueId } from './exchange-client.js'

/** A scratch folder of its own for one test file. */
export const scratchFolder = (prefix: string) => mkdtemp(join(tmpdir(), `${prefix}-`))

/**
 * The environment a partner's terminal would have: the exchange's URL, the participant, and its
 * private key in a file of mode 0600, as `exchange keys generate` writes it.
 */
export const partnerEnv = async (caller: Caller, folder: string, baseUrl = exchange.url): Promise<Env> => {
  const key = join(folder, `${caller.id}-private-jwk.json`)
  await writeFile(key, JSON.stringify(caller.jwk), { mode: 0o600 })
  return { EXCHANGE_URL: baseUrl, EXCHANGE_PARTICIPANT: caller.id, EXCHANGE_KEY: key }
}

/**
 * A case folder as a window clerk prepares it: `case.json` (the submission without its manifest,
 * each document's material named) and two scanned files for the fixtures' item.
 */
export const writeCaseFolder = async (
  parent: string,
  setting: { itemCode: string; homes: readonly { id: string }[] },
  scanBytes = 4096,
) => {
  const folder = join(parent, uniqueId('case'))
  await mkdir(folder)
  const { manifest: _signedByTheCommand, ...description } = sampleSubmission({
    acceptingRef: uniqueId('ref'),
    itemCode: setting.itemCode,
    homes: setting.homes.map((home) => home.id),
    manifest: '',
  })
  await writeFile(
    join(folder, 'case.json'),
    JSON.stringify({
      ...description,
      documents: [
        { file: 'form.pdf', material: 'form' },
        { file: 'licence.pdf', material: 'licence' },
      ],
    }),
  )
  await writeFile(join(folder, 'form.pdf'), randomBytes(scanBytes))
  await writeFile(join(folder, 'licence.pdf'), randomBytes(scanBytes))
  return { folder, acceptingRef: description.acceptingRef }
}

/**
 * A case the setting's window submitted through the typed client, for commands that act on one;
 * `names` are its form's and its licence's document names.
 */
export const submittedCase = async (
  setting: { accepting: Caller; itemCode: string; homes: readonly Caller[] },
  names: readonly [form: string, licence: string] = ['form.pdf', 'licence.pdf'],
) => {
  const window = await connectExchange({
    baseUrl: exchange.url,
    key: { participant: setting.accepting.id, jwk: setting.accepting.jwk },
  })
  const scan = (name: string, material: string) =>
    documentFromBytes({ name, contentType: 'application/pdf', bytes: randomBytes(2048), material })
  const documents = await window.uploadDocuments([scan(names[0], 'form'), scan(names[1], 'licence')])
  return window.submitCase(
    sampleSubmission({
      acceptingRef: uniqueId('ref'),
      itemCode: setting.itemCode,
      homes: setting.homes.map((home) => home.id),
      manifest: await window.signManifest('application', documents),
    }),
  )
}
