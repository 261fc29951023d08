import { authorizerHandler, routeList } from './http/routes.js'
import { jobs } from './jobs/jobs.js'

/** Every handler module that becomes a Lambda function: each route's, the authorizer, each job's. */
export const handlerModules = () => [
  ...new Set([
    authorizerHandler,
    ...routeList.map((route) => route.handler),
    ...jobs.map((job) => job.handler),
  ]),
]

/** Where a handler module's source is: jobs name their path under `functions/`, the rest live in `functions/http/`. */
export const handlerSource = (module: string): URL =>
  new URL(
    jobs.some((job) => job.handler === module) ? `./${module}.ts` : `./http/${module}.ts`,
    import.meta.url,
  )
