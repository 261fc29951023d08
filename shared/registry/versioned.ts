import { isDeepStrictEqual } from 'node:util'
import type { Stored } from '../store/changes.js'

/** The bookkeeping fields every registry record carries. */
export type RecordMeta = { version: number; createdAt: string; updatedAt: string }

/**
 * The next state of a record written with `fields`. A write that changes nothing answers the
 * current state with `changed: false`, so that repeating a PUT neither bumps the version nor
 * writes another audit event.
 */
export const nextVersion = <F extends object>(
  current: Stored<F & RecordMeta> | undefined,
  fields: F,
  now: Date,
): { value: F & RecordMeta; changed: boolean } => {
  const next = withoutMeta(fields)
  if (current !== undefined && isDeepStrictEqual(withoutMeta(current.value), next)) {
    return { value: current.value, changed: false }
  }
  const at = now.toISOString()
  const meta = {
    version: (current?.version ?? 0) + 1,
    createdAt: current?.value.createdAt ?? at,
    updatedAt: at,
  }
  return { value: { ...(next as F), ...meta }, changed: true }
}

/** A record's own fields, so that a caller may pass a whole stored record back as its fields. */
const withoutMeta = (value: object): object => {
  const { version: _v, createdAt: _c, updatedAt: _u, ...fields } = value as Partial<RecordMeta>
  return fields
}
