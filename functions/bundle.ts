import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BuildOptions, build } from 'esbuild'
import { handlerModules, handlerSource } from './handlers.js'

/** One deployable function: its handler module and the directory holding its bundle. */
export type Bundle = { module: string; directory: string; bytes: number }

/** How every function is bundled: ESM for Node 22, minified, the AWS SDK left to the runtime. */
export const bundleOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  metafile: true,
  legalComments: 'none',
  external: ['@aws-sdk/*', '@smithy/*'],
  // Some CommonJS dependencies call require(); ESM bundles need it recreated.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
} as const satisfies BuildOptions

/**
 * Bundles each handler into `<outDir>/<module>/index.mjs`: ESM, minified, for Node 22 on arm64
 * Lambda. The AWS SDK v3 is left to the Lambda runtime, which ships it: bundled, the DynamoDB client
 * alone minifies to over 500 KB (see docs/performance.md), which would double every cold start.
 */
export const bundleFunctions = async (outDir: string, modules = handlerModules()): Promise<Bundle[]> => {
  await mkdir(outDir, { recursive: true })
  return Promise.all(
    modules.map(async (module) => {
      const directory = join(outDir, module)
      const result = await build({
        ...bundleOptions,
        entryPoints: [fileURLToPath(handlerSource(module))],
        outfile: join(directory, 'index.mjs'),
      })
      const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0)
      return { module, directory, bytes }
    }),
  )
}
