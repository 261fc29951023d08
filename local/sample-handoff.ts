import type { ItemInput } from '#shared/registry/item.js'

/**
 * One plausible handoff, as data: an item with two required materials and one optional, and the
 * parts of a proxy submission that do not depend on who submits. Tests and benchmarks build on it,
 * so they measure and check the same request.
 */
export const sampleItem: ItemInput = {
  name: 'Tax registration change',
  modes: ['online', 'proxy', 'joint'],
  promisedDays: 5,
  statutoryDays: 10,
  dayKind: 'working',
  materials: [
    { id: 'form', name: 'Application form', required: true },
    { id: 'licence', name: 'Business licence', required: true },
    { id: 'mandate', name: 'Mandate', required: false },
  ],
}

/** A valid GB 11643 resident id (the standard's own example). */
export const sampleResidentId = '11010519491231002X'

/** A `POST /v1/cases` body for `homes`, with the given reference, item and signed manifest. */
export const sampleSubmission = (parts: {
  acceptingRef: string
  itemCode: string
  homes: string[]
  manifest: string
}) => ({
  acceptingRef: parts.acceptingRef,
  itemCode: parts.itemCode,
  mode: parts.homes.length > 1 ? ('joint' as const) : ('proxy' as const),
  homes: parts.homes,
  applicant: {
    kind: 'person' as const,
    name: '张三',
    idType: 'resident-id' as const,
    idNumber: sampleResidentId,
    phone: '13800138000',
  },
  identityCheck: { method: 'id-card-reader', checkedAt: '2026-11-20T09:00:00+08:00', operator: 'window-07' },
  originalsChecked: true,
  delivery: { method: 'electronic' as const },
  manifest: parts.manifest,
})
