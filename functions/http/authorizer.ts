import { stores } from '../dependencies/stores.js'
import { authorizer } from './authorize.js'

const { trust } = stores()

export const handler = authorizer(() => trust)
