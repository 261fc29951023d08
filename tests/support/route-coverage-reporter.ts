import { subscribe } from 'node:diagnostics_channel'
import type { Reporter, TestModule, TestRunEndReason, Vitest } from 'vitest/node'
import { routeList } from '#functions/http/routes.js'
import { type RouteServed, routeKeyOf, routeServed } from '#local/gateway.js'

/** A success, as opposed to a refusal: one proves a route works, the other only that it is wired. */
const isSuccess = (statusCode: number) => statusCode >= 200 && statusCode < 400

/**
 * Fails a run of the whole suite in which some route of the route table never answered a test
 * with success through the local gateway the global setup starts, and names those routes. Runs of
 * some files or some tests (`-t`, tags) are not judged: they leave routes out on purpose.
 */
export default class RouteCoverageReporter implements Reporter {
  #vitest: Vitest | undefined
  readonly #succeeded = new Set<string>()

  onInit(vitest: Vitest) {
    this.#vitest = vitest
    subscribe(routeServed.name, (message) => {
      const { routeKey, statusCode } = message as RouteServed
      if (isSuccess(statusCode)) this.#succeeded.add(routeKey)
    })
  }

  async onTestRunEnd(testModules: readonly TestModule[], _errors: unknown, reason: TestRunEndReason) {
    const vitest = this.#vitest
    // A failed run fails already, and its failures may be why a route went unreached.
    if (vitest === undefined || reason !== 'passed') return
    if (vitest.config.testNamePattern !== undefined || vitest.config.tagsFilter !== undefined) return
    const ran = new Set(testModules.map((module) => module.moduleId))
    const suite = await vitest.globTestSpecifications()
    if (!suite.every((specification) => ran.has(specification.moduleId))) return
    const unreached = routeList.map(routeKeyOf).filter((key) => !this.#succeeded.has(key))
    if (unreached.length === 0) {
      vitest.logger.log(`Each of the ${routeList.length} routes answered a test with 2xx or 3xx.`)
      return
    }
    vitest.logger.error(
      `\nNo test got a 2xx or 3xx answer from ${unreached.length} route(s) of functions/http/routes.ts:\n` +
        unreached.map((key) => `  ${key}\n`).join(''),
    )
    process.exitCode = 1
  }
}
