/** How the demo tells a newcomer what happens: story headings, one aligned line per call, notes. */
export type Narrator = {
  /** A story's heading and the situation it plays, from the seeds. */
  story: (number: number, title: string, situation: readonly string[]) => void
  /** One thing a participant did: who, what it sent, the status the exchange answered, what it said. */
  step: (who: string, what: string, status: number | undefined, answer: string) => void
  /** A line under the previous step's answer (a claim, a message, a leg). */
  detail: (text: string) => void
  /** An explanation for the newcomer, set apart from the protocol lines. */
  note: (text: string) => void
  /** A plain line. */
  line: (text: string) => void
}

const whoWidth = 14
const whatWidth = 32

/** A narrator writing through `write` (stdout by default). */
export const narrator = (write: (line: string) => void = (line) => console.log(line)): Narrator => {
  const indent = ' '.repeat(2 + whoWidth + 1 + whatWidth + 1 + 3 + 2)
  return {
    story: (number, title, situation) => {
      write('')
      write(`━━ Story ${number} · ${title}`)
      for (const text of situation) write(`   ${text}`)
      write('')
    },
    step: (who, what, status, answer) =>
      write(
        `  ${who.padEnd(whoWidth)} ${what.padEnd(whatWidth)} ${status === undefined ? '   ' : String(status)}  ${answer}`,
      ),
    detail: (text) => write(`${indent}${text}`),
    note: (text) => write(`   » ${text}`),
    line: write,
  }
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/** A deadline as a newcomer reads it: `2026-11-27 (Fri) 23:59:59 Beijing time`. */
export const readableDeadline = (deadline: string | undefined): string => {
  if (deadline === undefined) return 'none (the clock has not started)'
  const date = deadline.slice(0, 10)
  const weekday = weekdays[new Date(`${date}T00:00:00Z`).getUTCDay()] ?? ''
  return `${date} (${weekday}) ${deadline.slice(11, 19)} Beijing time`
}
