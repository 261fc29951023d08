import { agreementsList } from './agreements-list.js'
import { agreementsPut } from './agreements-put.js'
import { auditEvents } from './audit-events.js'
import { auditExport } from './audit-export.js'
import { auditVerify } from './audit-verify.js'
import { casesCheck } from './cases-check.js'
import { casesList } from './cases-list.js'
import { casesShow } from './cases-show.js'
import { casesSubmit } from './cases-submit.js'
import { casesTransition } from './cases-transition.js'
import type { Commands } from './command.js'
import { connectionCheck } from './connection-check.js'
import { inboxAck } from './inbox-ack.js'
import { inboxPull } from './inbox-pull.js'
import { inboxWatch } from './inbox-watch.js'
import { itemsList } from './items-list.js'
import { itemsPut } from './items-put.js'
import { keysGenerate } from './keys-generate.js'
import { keysRotate } from './keys-rotate.js'
import { packagesDownload } from './packages-download.js'
import { participantsList } from './participants-list.js'
import { participantsRegister } from './participants-register.js'
import { participantsReinstate } from './participants-reinstate.js'
import { participantsShow } from './participants-show.js'
import { participantsSuspend } from './participants-suspend.js'
import { statsShow } from './stats-show.js'

/** Every command of `exchange`, by group and name: a new command is one entry here. */
export const commands: Commands = {
  audit: { verify: auditVerify, export: auditExport, events: auditEvents },
  cases: {
    check: casesCheck,
    submit: casesSubmit,
    list: casesList,
    show: casesShow,
    transition: casesTransition,
  },
  inbox: { pull: inboxPull, ack: inboxAck, watch: inboxWatch },
  packages: { download: packagesDownload },
  connection: { check: connectionCheck },
  keys: { generate: keysGenerate, rotate: keysRotate },
  participants: {
    register: participantsRegister,
    list: participantsList,
    show: participantsShow,
    suspend: participantsSuspend,
    reinstate: participantsReinstate,
  },
  items: { put: itemsPut, list: itemsList },
  agreements: { put: agreementsPut, list: agreementsList },
  stats: { show: statsShow },
}
