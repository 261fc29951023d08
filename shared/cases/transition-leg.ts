import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import * as z from 'zod'
import { commitAudited } from '../audit/append-audited.js'
import type { Calendar } from '../clock/calendar.js'
import { deadlineOf, extendDeadline, pausedDays } from '../clock/deadline.js'
import { type CalendarDeps, withCalendars } from '../clock/read-calendar.js'
import { DomainError, type FieldError, notFound } from '../errors.js'
import type { MessageType, NewMessage } from '../inbox/inbox-message.js'
import type { Purpose } from '../packages/manifest.js'
import { findParticipant } from '../registry/find-participant.js'
import { Instant } from '../registry/ids.js'
import type { Item } from '../registry/item.js'
import type { Change } from '../store/changes.js'
import type { Principal } from '../trust/principal.js'
import { CompactJws, DeliveryMethod } from './case.js'
import { LegView, legView } from './case-view.js'
import { Action, type LegStatus, transitions } from './leg-status.js'
import type { StoredCase, StoredLeg } from './stored-case.js'
import type { CaseWriteDeps } from './submit-case.js'

/** The body of `POST /v1/cases/{caseId}/legs/{home}/transitions`. */
export const TransitionRequest = z
  .strictObject({
    action: Action,
    expectedVersion: z.number().int().min(1),
    reason: z.string().min(1).max(2000).optional(),
    missing: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
    manifest: CompactJws.optional(),
    delivery: z
      .strictObject({
        method: DeliveryMethod,
        at: Instant,
        reference: z.string().min(1).max(200).optional(),
      })
      .optional(),
  })
  .meta({ id: 'TransitionRequest' })
export type TransitionRequest = z.infer<typeof TransitionRequest>

/** What a transition answers; a retry of the same request answers the same. */
export const TransitionAnswer = z
  .object({
    caseId: z.string(),
    home: z.string(),
    action: Action,
    leg: LegView,
    packageId: z.string().optional().describe('The package a resubmit or approve sealed.'),
  })
  .meta({ id: 'TransitionAnswer' })
export type TransitionAnswer = z.infer<typeof TransitionAnswer>

export type TransitionDeps = CaseWriteDeps & { calendar: CalendarDeps }

const fingerprintOf = (request: TransitionRequest) =>
  createHash('sha256')
    .update(canonicalize(request) as string, 'utf8')
    .digest('hex')

/** The manifest purpose each manifest-carrying action seals. */
const purposes: Partial<Record<Action, Purpose>> = { resubmit: 'supplement', approve: 'result' }

/** Which message each action sends to the other side of the leg. */
const announcements: Record<Action, MessageType> = {
  'approve-intake': 'case.intake-approved',
  'reject-intake': 'case.intake-rejected',
  accept: 'case.accepted',
  'request-supplement': 'case.supplement-requested',
  resubmit: 'case.resubmitted',
  approve: 'case.approved',
  reject: 'case.rejected',
  deliver: 'case.delivered',
  withdraw: 'case.withdrawn',
}

/** Who performs an action on this case: the table's side, except that a home delivers what is picked up there. */
const actorOf = (action: Action, stored: StoredCase, home: string) => {
  const side =
    action === 'deliver' && stored.delivery.method === 'pickup-home' ? 'home' : transitions[action].by
  return side === 'home' ? home : stored.accepting
}

const checkNeeds = (request: TransitionRequest): void => {
  const errors: FieldError[] = transitions[request.action].needs
    .filter((need) => request[need] === undefined)
    .map((need) => ({ path: `/${need}`, message: `${request.action} needs ${need}` }))
  if (errors.length > 0)
    throw new DomainError('validation-failed', 'The transition lacks what it needs.', { errors })
}

/** A leg the deadline index should list: its clock runs and something may still be raised about it. */
const indexedDeadline = (leg: StoredLeg) =>
  leg.clock !== undefined &&
  leg.clock.pausedAt === undefined &&
  leg.clock.stoppedAt === undefined &&
  leg.overdueRaised !== true
    ? leg.clock.deadline
    : undefined

/** A leg the supervisors' overdue list shows: flagged overdue by the sweep, and not decided or withdrawn. */
const overdueDeadline = (leg: StoredLeg) =>
  leg.overdueRaised === true && leg.clock !== undefined && leg.clock.stoppedAt === undefined
    ? leg.clock.deadline
    : undefined

/** The put of a leg's next state, conditioned on the version it was read at. */
export const putLeg = (leg: StoredLeg, expectedVersion: number): Change => {
  const overdue = overdueDeadline(leg)
  return {
    kind: 'put-leg',
    caseId: leg.caseId,
    home: leg.home,
    createdAt: leg.createdAt,
    value: leg,
    version: leg.version,
    expectedVersion,
    deadline: indexedDeadline(leg),
    ...(overdue === undefined ? {} : { overdue }),
  }
}

/**
 * `POST /v1/cases/{caseId}/legs/{home}/transitions`: one party moves one home's leg by the
 * transition table. A stranger, or a home acting on another home's leg, is told the leg does not
 * exist; the wrong side of the case is forbidden; a stale version or a status the action is not
 * allowed from is a conflict. The leg's next state, any sealed package, the message to the other
 * side and the audit event are one transaction conditioned on the version read, so of concurrent
 * requests with one version exactly one applies; a retry of an applied request answers the same.
 */
export const transitionLeg = async (
  deps: TransitionDeps,
  command: { caseId: string; home: string; request: TransitionRequest; caller: Principal },
): Promise<TransitionAnswer> => {
  const { caseId, home, request, caller } = command
  const fingerprint = fingerprintOf(request)
  return commitAudited(deps, async () => {
    const record = await deps.cases.load(caseId)
    const stored = record?.case
    const leg = record?.legs.find((candidate) => candidate.home === home)
    const party =
      stored !== undefined && (caller.participant === stored.accepting || caller.participant === home)
    if (stored === undefined || leg === undefined || !party) throw notFound('The leg')

    // The side is checked before a retry is recognised, so the other side never gets a 200 for it.
    if (caller.participant !== actorOf(request.action, stored, home)) {
      throw new DomainError('forbidden', `${request.action} is for the other side of the case.`)
    }
    const last = leg.lastTransition
    if (
      last?.action === request.action &&
      last.expectedVersion === request.expectedVersion &&
      last.fingerprint === fingerprint
    ) {
      return { changes: [], audit: [], result: last.answer as TransitionAnswer }
    }
    const rule = transitions[request.action]
    if (request.expectedVersion !== leg.version) {
      throw new DomainError('version-conflict', 'The leg has moved on since that version.', {
        extensions: { currentVersion: leg.version },
      })
    }
    if (!rule.from.includes(leg.status)) {
      throw new DomainError('illegal-transition', `${request.action} is not allowed from ${leg.status}.`, {
        extensions: { status: leg.status },
      })
    }
    // One-time notification (一次性告知): everything missing is asked for in one request, once per leg.
    if (request.action === 'request-supplement' && leg.supplementRequestedAt !== undefined) {
      throw new DomainError('illegal-transition', 'A supplement was already requested for this leg.', {
        extensions: { status: leg.status },
      })
    }
    checkNeeds(request)

    const now = deps.clock()
    const at = now.toISOString()
    // The calendars read for the deadline serve the leg's view too: each year is read once.
    const read = new Map<number, Calendar>()
    const next: StoredLeg = { ...leg, version: leg.version + 1, updatedAt: at }
    const changes: Change[] = []
    let packageId: string | undefined
    const purpose = purposes[request.action]
    if (purpose !== undefined && request.manifest !== undefined) {
      const submitter = await findParticipant(deps, caller.participant)
      if (submitter === undefined) throw new DomainError('unauthenticated', 'The caller is not registered.')
      const { sealed, changes: sealedChanges } = await deps.seal({
        caseId,
        purpose,
        manifest: request.manifest,
        submitter,
        audience: [stored.accepting, home],
      })
      packageId = sealed.packageId
      next.packageIds = [...leg.packageIds, sealed.packageId]
      changes.push(...sealedChanges)
    }
    const to: LegStatus = rule.to === 'previous' ? (leg.beforeSupplement ?? 'submitted') : rule.to
    next.status = to
    switch (request.action) {
      case 'approve-intake':
        next.notice = await deps.signer.sign('exchange-notice+jwt', {
          iss: deps.exchangeId,
          iat: Math.floor(now.getTime() / 1000),
          aud: stored.accepting,
          caseId,
          home,
          acceptingRef: stored.acceptingRef,
          itemCode: stored.itemCode,
        })
        break
      case 'accept': {
        const item = (await deps.records.get<Item>('item', stored.itemCode))?.value
        if (item === undefined) throw new DomainError('unavailable', 'The item has left the catalogue.')
        const deadline = await withCalendars(
          deps.calendar,
          (calendars) =>
            deadlineOf({ startedAt: at, days: item.promisedDays, dayKind: item.dayKind }, calendars),
          read,
        )
        next.clock = { startedAt: at, deadline, dayKind: item.dayKind }
        break
      }
      case 'request-supplement':
        next.beforeSupplement = leg.status
        next.supplementRequestedAt = at
        next.missing = request.missing ?? []
        if (leg.clock !== undefined) next.clock = { ...leg.clock, pausedAt: at }
        break
      case 'resubmit': {
        delete next.beforeSupplement
        delete next.missing
        const clock = leg.clock
        if (clock?.pausedAt !== undefined) {
          const pausedAt = clock.pausedAt
          const deadline = await withCalendars(
            deps.calendar,
            (calendars) =>
              extendDeadline(
                clock.deadline,
                pausedDays({ pausedAt, resumedAt: at, dayKind: clock.dayKind }, calendars),
                clock.dayKind,
                calendars,
              ),
            read,
          )
          next.clock = { startedAt: clock.startedAt, deadline, dayKind: clock.dayKind }
          // A deadline pushed back into the future is a new deadline: the sweep may warn about it
          // (and report it overdue) once more, instead of the leg going quiet.
          if (Date.parse(deadline) > now.getTime()) {
            delete next.warningRaised
            delete next.overdueRaised
          }
        }
        break
      }
      case 'approve':
        if (packageId !== undefined) next.resultPackageId = packageId
        break
      case 'deliver':
        if (request.delivery !== undefined) next.delivered = request.delivery
        break
      default:
        break
    }
    if (request.reason !== undefined && rule.needs.includes('reason')) next.reason = request.reason
    // A decision or a withdrawal stops the clock for good.
    if (
      ['approved', 'rejected', 'withdrawn'].includes(to) &&
      next.clock !== undefined &&
      next.clock.stoppedAt === undefined
    ) {
      next.clock = { ...next.clock, stoppedAt: at }
    }

    const view = await legView(deps, next, now, read)
    const answer: TransitionAnswer = {
      caseId,
      home,
      action: request.action,
      leg: view,
      ...(packageId === undefined ? {} : { packageId }),
    }
    next.lastTransition = {
      action: request.action,
      expectedVersion: request.expectedVersion,
      fingerprint,
      answer,
    }
    const announcement = announcements[request.action]
    const body: Record<string, unknown> = {
      status: to,
      ...(next.notice !== undefined && request.action === 'approve-intake' ? { notice: next.notice } : {}),
      ...(request.action === 'accept' && next.clock !== undefined ? { deadline: next.clock.deadline } : {}),
      ...(request.action === 'request-supplement' ? { missing: next.missing } : {}),
      ...(packageId === undefined ? {} : { packageId }),
    }
    const message: NewMessage = {
      // The other side hears of it: a home delivering a pickup-home result tells the window.
      recipient: caller.participant === home ? stored.accepting : home,
      type: announcement,
      caseId,
      home,
      version: next.version,
      body,
    }
    changes.push(putLeg(next, leg.version), ...(await deps.enqueue([message])))
    return {
      changes,
      audit: [
        {
          actor: { participant: caller.participant, sub: caller.sub },
          action: `leg.${request.action}`,
          caseId,
          home,
          from: leg.status,
          to,
          version: next.version,
          details: {
            ...(packageId === undefined ? {} : { packageId }),
            ...(next.clock === undefined ? {} : { deadline: next.clock.deadline }),
          },
        },
      ],
      result: answer,
    }
  })
}
