import * as z from 'zod'

/** Where one home's part of a case stands (contract section 6). */
export const LegStatus = z.enum([
  'submitted',
  'intake-approved',
  'intake-rejected',
  'accepted',
  'supplement-requested',
  'approved',
  'rejected',
  'delivered',
  'withdrawn',
])
export type LegStatus = z.infer<typeof LegStatus>

/** What a party may do to a leg. */
export const Action = z.enum([
  'approve-intake',
  'reject-intake',
  'accept',
  'request-supplement',
  'resubmit',
  'approve',
  'reject',
  'deliver',
  'withdraw',
])
export type Action = z.infer<typeof Action>

/** Which side of the handoff performs an action. */
export type Side = 'home' | 'accepting'

type Rule = {
  by: Side
  from: readonly LegStatus[]
  /** The status after the action; `previous` returns to where the leg was before a supplement request. */
  to: LegStatus | 'previous'
  needs: readonly ('reason' | 'missing' | 'manifest' | 'delivery')[]
}

/** The transition table: who may do what from which status, and what it needs. */
export const transitions: Record<Action, Rule> = {
  'approve-intake': { by: 'home', from: ['submitted'], to: 'intake-approved', needs: [] },
  'reject-intake': { by: 'home', from: ['submitted'], to: 'intake-rejected', needs: ['reason'] },
  accept: { by: 'home', from: ['submitted', 'intake-approved'], to: 'accepted', needs: [] },
  'request-supplement': {
    by: 'home',
    from: ['submitted', 'accepted'],
    to: 'supplement-requested',
    needs: ['missing'],
  },
  resubmit: { by: 'accepting', from: ['supplement-requested'], to: 'previous', needs: ['manifest'] },
  approve: { by: 'home', from: ['accepted'], to: 'approved', needs: ['manifest'] },
  reject: { by: 'home', from: ['accepted'], to: 'rejected', needs: ['reason'] },
  deliver: { by: 'accepting', from: ['approved', 'rejected'], to: 'delivered', needs: ['delivery'] },
  withdraw: {
    by: 'accepting',
    from: ['submitted', 'intake-approved', 'accepted', 'supplement-requested'],
    to: 'withdrawn',
    needs: ['reason'],
  },
}

/** Statuses from which nothing can happen any more. */
export const finalStatuses: readonly LegStatus[] = ['intake-rejected', 'delivered', 'withdrawn']
