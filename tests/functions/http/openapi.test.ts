import { describe, expect, it } from 'vitest'
import { openApiDocument } from '#functions/http/openapi.js'
import { routeList } from '#functions/http/routes.js'

const document = openApiDocument(routeList, { version: '1.2.3', serverUrl: 'http://127.0.0.1:3000' })

type Operation = {
  parameters: { name: string; schema: Record<string, unknown> }[]
  responses: Record<string, { description: string }>
}

const operationAt = (method: string, path: string) => document.paths[path]?.[method] as Operation

/** Every `$ref` in a JSON value, however deep. */
const refsIn = (node: unknown): string[] => {
  if (Array.isArray(node)) return node.flatMap(refsIn)
  if (typeof node !== 'object' || node === null) return []
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [value] : refsIn(value),
  )
}

describe('openApiDocument', () => {
  it('points every $ref at a component the document defines', () => {
    const defined = new Set(
      Object.keys(document.components.schemas).map((id) => `#/components/schemas/${id}`),
    )
    expect(refsIn(document).filter((ref) => !defined.has(ref))).toEqual([])
  })

  it('refers to the component an inline parameter schema builds on, without $defs of its own', () => {
    const [id] = operationAt('put', '/v1/participants/{id}').parameters
    expect(id?.schema).not.toHaveProperty('$defs')
    expect(refsIn(id?.schema)).toEqual(['#/components/schemas/ParticipantId'])
  })

  it('lists every tag an operation carries, each with a description', () => {
    expect(new Set(document.tags.map(({ name }) => name))).toEqual(new Set(routeList.map(({ tag }) => tag)))
    for (const { name, description } of document.tags) expect(description, name).toMatch(/\S/)
  })

  it("documents the throttle's 429 rate-limited on every operation, public ones too", () => {
    expect(operationAt('get', '/v1/health').responses['429']?.description).toBe('rate-limited')
    const withoutThrottle = routeList.filter(
      (route) => operationAt(route.method.toLowerCase(), route.path).responses['429'] === undefined,
    )
    expect(withoutThrottle).toEqual([])
  })
})
