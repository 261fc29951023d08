import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openApiDocument } from '#functions/http/openapi.js'
import { routeList } from '#functions/http/routes.js'
import packageJson from '../package.json' with { type: 'json' }

/**
 * `npm run lint:openapi`: lints the OpenAPI document `GET /openapi.json` serves with Redocly and
 * `redocly.yaml`, exiting as Redocly does. The document goes to a temporary file, never into the
 * checkout.
 */
const directory = await mkdtemp(join(tmpdir(), 'exchange-openapi-'))
try {
  const file = join(directory, 'openapi.json')
  // The served document names the URL its caller used; any absolute URL stands in for it here.
  const document = openApiDocument(routeList, {
    version: packageJson.version,
    serverUrl: 'http://127.0.0.1:3000',
  })
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`)
  const redocly = fileURLToPath(import.meta.resolve('@redocly/cli/bin/cli.js'))
  const config = fileURLToPath(new URL('../redocly.yaml', import.meta.url))
  const { status, error } = spawnSync(process.execPath, [redocly, 'lint', file, '--config', config], {
    stdio: 'inherit',
  })
  if (error !== undefined) throw error
  process.exitCode = status ?? 1
} finally {
  await rm(directory, { recursive: true, force: true })
}
