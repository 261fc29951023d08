import { DeliveryMethod } from '#shared/cases/case.js'
import { Action } from '#shared/cases/leg-status.js'
import type { Purpose } from '#shared/packages/manifest.js'
import { documentSourceOf, readDocumentFolder } from './case-folder.js'
import { defineCommand } from './command.js'
import { usageError } from './command-error.js'
import { countOption } from './count-option.js'
import { connectCli } from './exchange-connection.js'
import { transferProgress } from './progress.js'

const usage = `exchange cases transition <caseId> <action> [options] [--json]

Moves one home's leg of a case. Actions (contract section 6):
  approve-intake, reject-intake, accept, request-supplement, approve, reject   (the home)
  resubmit, deliver, withdraw                    (the accepting window; deliver: the home for pickup-home)
Options:
  --home <id>          the leg; default: you, if you are one of the case's homes, else its only home
  --version <n>        the leg version you act on; default: the version read just before (a concurrent
                       change then still fails with version-conflict rather than being overwritten)
  --reason <text>      for reject-intake, reject and withdraw
  --missing <text>     for request-supplement, once per missing material (all of them, at once)
  --files <folder>     for resubmit (the supplement) and approve (the result): every file in the folder
                       is uploaded and listed in a manifest signed with your key
  --delivered-by <m>   for deliver: electronic, mail, pickup-accepting or pickup-home (default: the
                       case's delivery method)
  --reference <text>   for deliver: a tracking number or pickup record
Prints the leg's new status and version; an approved intake's proxy-receipt notice is verified.`

/** The manifest purpose of the actions that carry documents. */
const purposes: Partial<Record<Action, Purpose>> = { resubmit: 'supplement', approve: 'result' }

/** `exchange cases transition`: one step of a leg, by either side. */
export const casesTransition = defineCommand({
  summary: 'move a leg: accept, request-supplement, approve, deliver, …',
  usage,
  options: {
    home: { type: 'string' },
    version: { type: 'string' },
    reason: { type: 'string' },
    missing: { type: 'string', multiple: true },
    files: { type: 'string' },
    'delivered-by': { type: 'string' },
    reference: { type: 'string' },
  },
  positionals: ['caseId', 'action'],
  connects: true,
  run: async ({ positionals: [caseId = '', actionName = ''], values, connection, io, json }) => {
    const action = Action.safeParse(actionName)
    if (!action.success)
      throw usageError('bad-action', `the action must be one of ${Action.options.join(', ')}`)
    const purpose = purposes[action.data]
    if ((purpose !== undefined) !== (values.files !== undefined))
      throw usageError(
        'bad-files',
        purpose === undefined ? `${action.data} takes no --files` : `${action.data} needs --files <folder>`,
      )
    const deliveredBy =
      values['delivered-by'] === undefined ? undefined : DeliveryMethod.safeParse(values['delivered-by'])
    if (deliveredBy?.success === false)
      throw usageError('bad-delivery', `--delivered-by must be one of ${DeliveryMethod.options.join(', ')}`)
    const version = countOption(values.version, '--version', 'bad-version')
    const documents = values.files === undefined ? [] : await readDocumentFolder(values.files)
    const client = await connectCli(connection)
    const view = await client.getCase(caseId)
    const home =
      values.home ??
      (view.homes.includes(client.participant)
        ? client.participant
        : view.homes.length === 1
          ? view.homes[0]
          : undefined)
    if (home === undefined)
      throw usageError('no-home', `case ${caseId} has several homes: name one with --home`)
    const leg = view.legs.find((candidate) => candidate.home === home)
    if (leg === undefined) throw usageError('bad-home', `${home} is not a home of case ${caseId}`)
    const expectedVersion = version ?? leg.version
    let manifest: string | undefined
    if (purpose !== undefined) {
      const transfer = transferProgress(io, { json, verb: 'uploaded' })
      const entries = await client.uploadDocuments(documents.map(documentSourceOf), {
        progress: transfer.progress,
        uploaded: (entry) => transfer.done(entry.name),
      })
      manifest = await client.signManifest(purpose, entries)
    }
    const answer = await client.transition(caseId, home, {
      action: action.data,
      expectedVersion,
      ...(values.reason === undefined ? {} : { reason: values.reason }),
      ...(values.missing === undefined ? {} : { missing: values.missing }),
      ...(manifest === undefined ? {} : { manifest }),
      ...(action.data === 'deliver'
        ? {
            delivery: {
              method: deliveredBy?.data ?? view.delivery.method,
              at: new Date().toISOString(),
              ...(values.reference === undefined ? {} : { reference: values.reference }),
            },
          }
        : {}),
    })
    return {
      result: answer,
      lines: [
        `${action.data}: leg ${home} of ${caseId} is ${answer.leg.status}, version ${answer.leg.version}`,
        ...(answer.leg.deadline === undefined ? [] : [`  deadline ${answer.leg.deadline}`]),
        ...(answer.packageId === undefined ? [] : [`  sealed package ${answer.packageId}`]),
        ...(action.data === 'approve-intake' ? ['  proxy-receipt notice verified'] : []),
      ],
    }
  },
})
