import type { LegView } from '#shared/cases/case-view.js'
import { formatTable } from './table.js'

/** Where a leg's clock stands, in a few words: its deadline and whether it is close or past. */
const clockOf = (leg: Pick<LegView, 'deadline' | 'overdue' | 'warning'>) =>
  leg.deadline === undefined
    ? ''
    : `${leg.deadline}${leg.overdue ? ' OVERDUE' : leg.warning ? ' (due soon)' : ''}`

/** Legs as table rows under a case: home, status, version, deadline. */
export const legRows = (legs: readonly LegView[]) =>
  legs.map((leg) => [leg.home, leg.status, String(leg.version), clockOf(leg)])

/** The legs of cases as one table, a case's id and reference on its first leg only. */
export const caseTable = (
  cases: readonly { caseId: string; acceptingRef: string; itemCode: string; legs: readonly LegView[] }[],
) =>
  formatTable(
    [
      { header: 'case' },
      { header: 'reference' },
      { header: 'item' },
      { header: 'home' },
      { header: 'status' },
      { header: 'version', align: 'right' },
      { header: 'deadline' },
    ],
    cases.flatMap((view) =>
      legRows(view.legs).map((row, index) =>
        index === 0 ? [view.caseId, view.acceptingRef, view.itemCode, ...row] : ['', '', '', ...row],
      ),
    ),
  )
