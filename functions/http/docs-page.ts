import { errorCodes } from '#shared/errors.js'
import type { openApiDocument } from './openapi.js'
import { statusOf } from './problem.js'

type Document = ReturnType<typeof openApiDocument>
type Operation = {
  summary?: string
  description?: string
  tags?: string[]
  security?: unknown[]
  parameters?: { name: string; in: string; required: boolean; schema: unknown }[]
  requestBody?: { content: Record<string, { schema: unknown }> }
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

const json = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`

const anchor = (method: string, path: string) => `${method}-${path.replace(/[^a-z0-9]+/gi, '-')}`

const renderOperation = (method: string, path: string, op: Operation) => `
<section id="${anchor(method, path)}">
  <h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
  <p>${escapeHtml(op.summary ?? '')} ${escapeHtml(op.description ?? '')}</p>
  <p class="auth">${op.security?.length === 0 ? 'No authentication.' : 'Bearer <code>exchange-req+jwt</code>.'}</p>
  ${
    op.parameters?.length
      ? `<h4>Parameters</h4><ul>${op.parameters
          .map(
            (p) =>
              `<li><code>${escapeHtml(p.name)}</code> (${p.in}${p.required ? ', required' : ''}) ${json(p.schema)}</li>`,
          )
          .join('')}</ul>`
      : ''
  }
  ${op.requestBody ? `<h4>Body</h4>${json(op.requestBody.content['application/json']?.schema)}` : ''}
  <h4>Responses</h4><ul>${Object.entries(op.responses)
    .map(([status, r]) => `<li><b>${status}</b> ${escapeHtml(r.description)}</li>`)
    .join('')}</ul>
</section>`

/** The OpenAPI document rendered as one self-contained page: no script, no CDN, works offline. */
export const docsPage = (document: Document): string => {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method, path, op: op as Operation })),
  )
  const tags = document.tags.map((tag) => tag.name)
  const schemas = Object.entries(document.components.schemas)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
pre{background:#f4f4f4;padding:.5rem;overflow:auto;font-size:12px}code{background:#f4f4f4;padding:0 .2rem}
.method{display:inline-block;min-width:4rem;color:#fff;border-radius:3px;padding:0 .4rem;font-size:13px}
.get{background:#2b6cb0}.put{background:#b7791f}.post{background:#2f855a}section{border-top:1px solid #ddd}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .6rem}
</style></head><body>
<h1>${escapeHtml(document.info.title)} <small>v${escapeHtml(document.info.version)}</small></h1>
<p>${escapeHtml(document.info.description)}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI ${document.openapi}).</p>
<nav><ul>${operations
    .map(
      ({ method, path, op }) =>
        `<li><a href="#${anchor(method, path)}">${method.toUpperCase()} ${escapeHtml(path)}</a> — ${escapeHtml(op.summary ?? '')}</li>`,
    )
    .join('')}</ul></nav>
${tags
  .map(
    (tag) =>
      `<h2>${escapeHtml(tag)}</h2>${operations
        .filter(({ op }) => op.tags?.includes(tag))
        .map(({ method, path, op }) => renderOperation(method, path, op))
        .join('')}`,
  )
  .join('')}
<h2>Problems</h2>
<table><tr><th>code</th><th>status</th></tr>${errorCodes
    .map((code) => `<tr id="problem-${code}"><td><code>${code}</code></td><td>${statusOf[code]}</td></tr>`)
    .join('')}</table>
<h2>Schemas</h2>
${schemas.map(([id, schema]) => `<h3 id="schema-${escapeHtml(id)}">${escapeHtml(id)}</h3>${json(schema)}`).join('')}
</body></html>`
}
