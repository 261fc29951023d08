import { auditVerify } from './audit-verify.js'
import { casesCheck } from './cases-check.js'
import { casesList } from './cases-list.js'
import { casesShow } from './cases-show.js'
import { casesSubmit } from './cases-submit.js'
import { casesTransition } from './cases-transition.js'
import type { Commands } from './command.js'
import { inboxAck } from './inbox-ack.js'
import { inboxPull } from './inbox-pull.js'
import { inboxWatch } from './inbox-watch.js'
import { keysGenerate } from './keys-generate.js'
import { packagesDownload } from './packages-download.js'

/** Every command of `exchange`, by group and name: a new command is one entry here. */
export const commands: Commands = {
  audit: { verify: auditVerify },
  cases: {
    check: casesCheck,
    submit: casesSubmit,
    list: casesList,
    show: casesShow,
    transition: casesTransition,
  },
  inbox: { pull: inboxPull, ack: inboxAck, watch: inboxWatch },
  packages: { download: packagesDownload },
  keys: { generate: keysGenerate },
}
