import { join } from 'node:path'
import { App, Validations } from 'aws-cdk-lib'
import { AwsSolutionsChecks } from 'cdk-nag'
import { bundleFunctions } from '#functions/bundle.js'
import { ExchangeStack } from './exchange-stack.js'

const app = new App()
// Bundled next to the cloud assembly, by our own esbuild step: synth needs neither Docker nor network.
const bundles = await bundleFunctions(join(app.outdir, 'bundles'))
new ExchangeStack(app, 'Exchange', { bundles })
Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
