/**
 * One JSON line per record, for CloudWatch Logs Insights. Callers pass identifiers and codes only:
 * never tokens, request bodies or anything a citizen typed.
 */
export const log = (
  level: 'info' | 'warn' | 'error',
  message: string,
  fields: Record<string, unknown> = {},
) => {
  const line = JSON.stringify({ level, message, ...fields, at: new Date().toISOString() })
  if (level === 'error') console.error(line)
  else console.log(line)
}

/** What may be logged of an unexpected error: its class and code, not its message (it may quote input). */
export const describeError = (error: unknown) =>
  error instanceof Error
    ? {
        errorName: error.name,
        errorCode: (error as { code?: unknown }).code,
        stack: error.stack?.split('\n')[1]?.trim(),
      }
    : { errorName: typeof error }
