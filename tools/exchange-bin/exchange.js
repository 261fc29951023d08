#!/usr/bin/env node
// `npx exchange …`: the TypeScript command line run through tsx, as `npm run exchange -- …` runs it.
// It lives in a package of its own because npm links only dependencies' bins into node_modules/.bin;
// cli/ cannot be that package, as its own package.json would hide the root's `#shared/*` imports.
import { register } from 'tsx/esm/api'

register()
await import('../../cli/exchange.ts')
