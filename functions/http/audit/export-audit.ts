import { exportAudit } from '#shared/audit/export-audit.js'
import { auditLog } from '../../dependencies/audit-log.js'
import { signer } from '../../dependencies/signer.js'
import { httpHandler } from '../http-handler.js'
import { routes } from '../routes.js'

const deps = auditLog().exporting(signer())

/** The URL of the next part: the same window, and the cursor. */
const nextUrl = (baseUrl: string, window: Record<string, string | undefined>, cursor: string) =>
  `${baseUrl}${routes.exportAudit.path}?${new URLSearchParams(
    Object.entries({ ...window, cursor }).flatMap(([name, value]): [string, string][] =>
      value === undefined ? [] : [[name, value]],
    ),
  )}`

export const handler = httpHandler(routes.exportAudit, async ({ query, caller, baseUrl }) => {
  const part = await exportAudit(deps, { query, caller })
  const next = part.nextCursor
  return {
    body: part.text,
    ...(next === undefined
      ? {}
      : {
          headers: {
            'x-next-cursor': next,
            link: `<${nextUrl(baseUrl, { from: query.from, to: query.to }, next)}>; rel="next"`,
          },
        }),
  }
})
