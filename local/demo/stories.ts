import { readableDeadline } from './narrator.js'
import {
  type Actor,
  beijingNow,
  freshRef,
  type Leg,
  legSummary,
  type Stage,
  scan,
  sha256Hex,
} from './stage.js'

/** The catalogue item the deadline story uses: promised within one calendar day, so it warns at once. */
export const promptItem = {
  code: 'seal-engraving-filing',
  input: {
    name: '公章刻制备案',
    department: '公安局',
    modes: ['proxy'],
    promisedDays: 1,
    statutoryDays: 3,
    dayKind: 'calendar',
    materials: [
      { id: 'filing-form', name: '印章刻制备案登记表', required: true },
      { id: 'business-license', name: '营业执照', required: true },
    ],
  },
} as const

/** The participants the stories act as; the demo seeds when any of them cannot act. */
export const cast = [
  'xian-gaoxin',
  'xian-qujiang',
  'xian-yanta',
  'xian-xincheng',
  'xian-beilin',
  'xian-lianhu',
  'nanjing',
  'xian-changan',
  'xian-weiyang',
] as const

const organization = (name: string, idNumber: string) => ({
  kind: 'organization',
  name,
  idType: 'uscc',
  idNumber,
  phone: '13800138000',
})

const identityCheck = (operator: string) => ({ method: 'id-card-reader', checkedAt: beijingNow(), operator })

/**
 * The home reads the case's sealed packages as the exchange hands them out: verifies each seal
 * against the exchange's keys and the manifest it binds, downloads each document through its
 * presigned URL and checks its bytes against the manifest's sha256.
 */
const reviewPackages = async (stage: Stage, who: Actor, caseId: string) => {
  const { status, body } = await who.session.send<{
    packages: {
      packageId: string
      purpose: string
      manifest: string
      seal: string
      documents: { name: string; sha256: string; url: string }[]
    }[]
  }>('GET', `/v1/cases/${caseId}/packages`)
  stage.say.step(
    who.id,
    'GET /v1/cases/{caseId}/packages',
    status,
    body.packages.map((sealed) => `${sealed.purpose} (${sealed.documents.length} documents)`).join(', '),
  )
  for (const sealed of body.packages) {
    const seal = await stage.verify(sealed.seal, 'exchange-seal+jwt', who.id)
    if (seal.manifestSha256 !== sha256Hex(sealed.manifest))
      throw new Error('a seal does not bind its manifest')
    const downloads = await Promise.all(
      sealed.documents.map(async (document) => {
        const response = await fetch(document.url)
        return response.ok && sha256Hex(new Uint8Array(await response.arrayBuffer())) === document.sha256
      }),
    )
    if (downloads.includes(false)) throw new Error('a downloaded document does not match its sha256')
    stage.say.detail(
      `${sealed.purpose} package: seal (exchange-seal+jwt) verified, binds its manifest; ` +
        `${downloads.length} download(s) match their sha256`,
    )
  }
}

/** Story 1 (seed 003, 异地代收代办): the whole proxy-collection flow for one home. */
export const proxyCollection = async (stage: Stage) => {
  const { say } = stage
  say.story(1, 'Proxy collection with remote intake approval (异地代收代办 · 会商收件)', [
    'A company registered in Qujiang (曲江新区) changes its tax registration (变更税务登记) at the Gaoxin',
    'window (高新区): Gaoxin checks identity and originals and scans the materials; Qujiang, the home',
    'district, approves the intake remotely; Gaoxin issues the proxy-receipt notice 《代收件通知书》;',
    'Qujiang accepts, decides and uploads the result; Gaoxin delivers it.',
  ])
  const gaoxin = await stage.actor('xian-gaoxin')
  const qujiang = await stage.actor('xian-qujiang')
  const home = qujiang.id

  const documents = await stage.upload(gaoxin, [
    scan('变更税务登记表.pdf', 'application-form'),
    scan('营业执照.pdf', 'business-license'),
    scan('股东会变更决议.pdf', 'change-resolution'),
    scan('经办人授权委托书.pdf', 'agent-authorization'),
  ])
  const { caseId } = await stage.submit(gaoxin, {
    acceptingRef: freshRef('GX'),
    itemCode: 'tax-registration-change',
    mode: 'proxy',
    homes: [home],
    applicant: organization('西安曲江示例文化传媒有限公司', '91610133DEMO00001X'),
    identityCheck: identityCheck('gaoxin-window-94'),
    originalsChecked: true,
    delivery: { method: 'electronic' },
    manifest: await stage.manifest(gaoxin, 'application', documents),
  })

  say.note('Qujiang learns of the case from its inbox and reviews the scanned materials:')
  await stage.receive(qujiang, caseId, ['case.submitted'])
  await reviewPackages(stage, qujiang, caseId)

  say.note('会商收件: Qujiang approves the intake remotely; the exchange signs the proxy-receipt notice.')
  await stage.transition(qujiang, caseId, home, 'approve-intake', 1)
  const [intake] = await stage.receive(gaoxin, caseId, ['case.intake-approved'])
  const notice = intake?.body.notice
  if (typeof notice !== 'string') throw new Error('case.intake-approved carried no notice')
  const claims = await stage.verify(notice, 'exchange-notice+jwt', gaoxin.id)
  say.detail('the notice (exchange-notice+jwt), verified against /.well-known/jwks.json:')
  for (const name of ['iss', 'aud', 'caseId', 'home', 'acceptingRef', 'itemCode', 'iat'] as const) {
    const value = claims[name]
    const when =
      name === 'iat' && typeof value === 'number'
        ? ` (${new Date((value + 8 * 3600) * 1000).toISOString().slice(0, 19)}+08:00)`
        : ''
    say.detail(`  ${name.padEnd(13)} ${String(value)}${when}`)
  }
  say.note('Gaoxin prints 《代收件通知书》 for the applicant and posts the paper originals to Qujiang.')

  say.note('Qujiang receives the materials: that is the start of acceptance (受理开始); the clock starts.')
  const accepted = await stage.transition(qujiang, caseId, home, 'accept', 2)
  say.detail(`deadline ${readableDeadline(accepted.leg.deadline)} (promised: 5 working days)`)
  await stage.receive(gaoxin, caseId, ['case.accepted'])

  say.note('Qujiang approves and uploads the result (electronic certificate and decision):')
  const result = await stage.upload(qujiang, [scan('税务事项通知书.pdf')])
  await stage.transition(qujiang, caseId, home, 'approve', 3, {
    manifest: await stage.manifest(qujiang, 'result', result),
  })
  await stage.receive(gaoxin, caseId, ['case.approved'])
  await stage.transition(gaoxin, caseId, home, 'deliver', 4, {
    delivery: { method: 'electronic', at: beijingNow() },
  })
  await stage.receive(qujiang, caseId, ['case.delivered'])
  say.note(`Case ${caseId} is closed: delivered to the applicant, every step signed and audited.`)
}

/** Story 2 (seed 003, 多地联办): one application, three home districts, three separate legs. */
export const jointProcessing = async (stage: Stage) => {
  const { say } = stage
  say.story(2, 'Joint processing across three districts (多地联办)', [
    'A company changes its name; its branches are registered in Xincheng (新城区), Beilin (碑林区) and',
    'Lianhu (莲湖区). One application at the Yanta window (雁塔区) opens one leg per home district; each',
    'home handles its own leg: Xincheng approves, Beilin rejects, Lianhu asks for a supplement.',
  ])
  const yanta = await stage.actor('xian-yanta')
  const [xincheng, beilin, lianhu] = await Promise.all(
    ['xian-xincheng', 'xian-beilin', 'xian-lianhu'].map((id) => stage.actor(id)),
  )
  if (xincheng === undefined || beilin === undefined || lianhu === undefined) throw new Error('no cast')

  const documents = await stage.upload(yanta, [
    scan('变更登记申请书.pdf', 'application-form'),
    scan('营业执照正副本.pdf', 'business-license'),
  ])
  const { caseId } = await stage.submit(yanta, {
    acceptingRef: freshRef('YT'),
    itemCode: 'business-license-change',
    mode: 'joint',
    homes: [xincheng.id, beilin.id, lianhu.id],
    applicant: organization('西安示例连锁餐饮管理有限公司', '91610113DEMO00002X'),
    identityCheck: identityCheck('yanta-window-b43'),
    originalsChecked: true,
    delivery: { method: 'pickup-accepting' },
    manifest: await stage.manifest(yanta, 'application', documents),
  })

  say.note('Xincheng accepts and approves its leg:')
  await stage.receive(xincheng, caseId, ['case.submitted'])
  await stage.transition(xincheng, caseId, xincheng.id, 'accept', 1)
  const licence = await stage.upload(xincheng, [scan('新城分公司营业执照.pdf')])
  await stage.transition(xincheng, caseId, xincheng.id, 'approve', 2, {
    manifest: await stage.manifest(xincheng, 'result', licence),
  })

  say.note('Beilin accepts, then rejects its leg; it returns the materials to the applicant (退件):')
  await stage.receive(beilin, caseId, ['case.submitted'])
  await stage.transition(beilin, caseId, beilin.id, 'accept', 1)
  await stage.transition(beilin, caseId, beilin.id, 'reject', 2, {
    reason: '该分公司已于2025年办理注销登记,无需变更。',
  })

  say.note('Lianhu finds materials missing and lists all of them at once (一次性告知):')
  await stage.receive(lianhu, caseId, ['case.submitted'])
  await stage.transition(lianhu, caseId, lianhu.id, 'request-supplement', 1, {
    missing: ['股东会关于变更名称的决议', '莲湖分公司负责人任职文件'],
  })

  say.note('Yanta hears from each leg in its inbox, and delivers what was decided. The messages of one')
  say.note('case come in order: the next becomes pullable once the one before it is acked.')
  await stage.receive(yanta, caseId, [
    { type: 'case.accepted', home: xincheng.id },
    { type: 'case.approved', home: xincheng.id },
    { type: 'case.accepted', home: beilin.id },
    { type: 'case.rejected', home: beilin.id },
    { type: 'case.supplement-requested', home: lianhu.id },
  ])
  await stage.transition(yanta, caseId, xincheng.id, 'deliver', 3, {
    delivery: { method: 'pickup-accepting', at: beijingNow() },
  })
  await stage.transition(yanta, caseId, beilin.id, 'deliver', 3, {
    delivery: { method: 'pickup-accepting', at: beijingNow(), reference: '退件,申请人窗口签收' },
  })
  await stage.receive(xincheng, caseId, ['case.delivered'])
  await stage.receive(beilin, caseId, ['case.delivered'])

  const legs = await stage.legsOf(yanta, caseId)
  for (const leg of legs) {
    const why =
      leg.reason !== undefined
        ? ` (rejected: ${leg.reason})`
        : leg.missing
          ? ` (missing: ${leg.missing.join('; ')})`
          : ''
    say.detail(`${leg.home.padEnd(14)} ${legSummary(leg)}${why}`)
  }
  say.note('Each leg has its own status and version: one case, three independent decisions.')
  say.note("Lianhu's leg waits for the applicant; story 3 plays a whole supplement round.")
}

/** Story 3 (seed 003, 补齐补正 · 限时办结): a supplement after acceptance pauses the clock. */
export const supplementRound = async (stage: Stage) => {
  const { say } = stage
  say.story(3, 'A supplement round, across provinces (跨省通办 · 一次性告知 · 补齐补正)', [
    'A company registered in Gaoxin (高新区, Xi’an) files its business-licence change at the Nanjing',
    'window. Gaoxin accepts (the clock starts), then finds materials missing: it lists them all at once',
    '(一次性告知), the clock pauses, Nanjing supplements them (补齐补正), the clock resumes.',
  ])
  const nanjing = await stage.actor('nanjing')
  const gaoxin = await stage.actor('xian-gaoxin')
  const home = gaoxin.id

  const documents = await stage.upload(nanjing, [
    scan('变更登记申请书.pdf', 'application-form'),
    scan('营业执照正副本.pdf', 'business-license'),
  ])
  const { caseId } = await stage.submit(nanjing, {
    acceptingRef: freshRef('NJ'),
    itemCode: 'business-license-change',
    mode: 'proxy',
    homes: [home],
    applicant: organization('西安高新示例软件有限公司', '91610131DEMO00003X'),
    identityCheck: identityCheck('nanjing-window-12'),
    originalsChecked: true,
    delivery: { method: 'mail', address: '南京市玄武区示例路1号' },
    manifest: await stage.manifest(nanjing, 'application', documents),
  })
  await stage.receive(gaoxin, caseId, ['case.submitted'])
  const accepted = await stage.transition(gaoxin, caseId, home, 'accept', 1)
  const before = accepted.leg.deadline
  say.detail(`deadline ${readableDeadline(before)} (promised: 3 working days)`)

  say.note('Gaoxin reviews the case and asks for everything missing, in one request:')
  await stage.transition(gaoxin, caseId, home, 'request-supplement', 2, {
    missing: [
      'change-resolution: 股东会决议(名称变更须经股东会决议)',
      'agent-authorization: 经办人授权委托书(经办人不是法定代表人)',
      'business-license: 营业执照副本第2页扫描不清,请重新扫描',
    ],
  })
  const [paused] = await stage.legsOf(nanjing, caseId)
  if (paused === undefined) throw new Error('the case has no leg')
  say.detail(`${legSummary(paused, true)}; warning ${paused.warning}, overdue ${paused.overdue}`)
  say.note('The clock is paused: the supervision sweep skips this leg while it waits for the applicant.')

  const [, request] = await stage.receive(nanjing, caseId, ['case.accepted', 'case.supplement-requested'])
  const missing = request?.body.missing
  if (!Array.isArray(missing)) throw new Error('case.supplement-requested carried no missing list')
  say.detail('what Nanjing tells the applicant, all at once (一次性告知):')
  for (const [index, item] of missing.entries()) say.detail(`  ${index + 1}. ${String(item)}`)

  say.note('The applicant brings the materials; Nanjing scans them and resubmits:')
  const supplement = await stage.upload(nanjing, [
    scan('股东会决议.pdf', 'change-resolution'),
    scan('经办人授权委托书.pdf', 'agent-authorization'),
    scan('营业执照副本(重新扫描).pdf', 'business-license'),
  ])
  const resumed = await stage.transition(nanjing, caseId, home, 'resubmit', 3, {
    manifest: await stage.manifest(nanjing, 'supplement', supplement),
  })
  const after = resumed.leg.deadline
  say.detail(`deadline before the pause: ${readableDeadline(before)}`)
  say.detail(`deadline after resuming:   ${readableDeadline(after)}`)
  say.note(
    before === after
      ? 'Paused and resumed on the same Beijing date: no day was lost, so the deadline stays. A pause of N'
      : 'The deadline moved by the days the leg spent waiting for the applicant. A pause of N',
  )
  say.note('days pushes it N working days (pausedDays/extendDeadline, tests/shared/clock/deadline.test.ts).')

  await stage.receive(gaoxin, caseId, ['case.resubmitted'])
  await reviewPackages(stage, gaoxin, caseId)
  const result = await stage.upload(gaoxin, [scan('准予变更登记通知书.pdf'), scan('营业执照(电子证照).pdf')])
  await stage.transition(gaoxin, caseId, home, 'approve', 4, {
    manifest: await stage.manifest(gaoxin, 'result', result),
  })
  await stage.receive(nanjing, caseId, ['case.approved'])
  await stage.transition(nanjing, caseId, home, 'deliver', 5, {
    delivery: { method: 'mail', at: beijingNow(), reference: 'EMS 1190000000000' },
  })
  await stage.receive(gaoxin, caseId, ['case.delivered'])
}

/**
 * Story 4 (seed 003, 限时办结 · 电子监察): a leg whose deadline is tomorrow warns at once, and the
 * supervision sweep of the running exchange raises `case.deadline-warning` to both sides.
 */
export const deadlineSupervision = async (stage: Stage, options: { sweepWaitSeconds: number }) => {
  const { say } = stage
  say.story(4, 'Time limits and the supervision sweep (限时办结 · 电子监察)', [
    `Seal-engraving filing (${promptItem.input.name}) is promised within 1 calendar day. Changan (长安区)`,
    'collects a case for Weiyang (未央区), which accepts it: the deadline is the end of tomorrow, so the',
    'leg warns at once, and the exchange’s supervision sweep tells both sides. Nothing fakes the clock.',
  ])
  const changan = await stage.actor('xian-changan')
  const weiyang = await stage.actor('xian-weiyang')
  const home = weiyang.id

  const documents = await stage.upload(changan, [
    scan('印章刻制备案登记表.pdf', 'filing-form'),
    scan('营业执照.pdf', 'business-license'),
  ])
  const { caseId } = await stage.submit(changan, {
    acceptingRef: freshRef('CA'),
    itemCode: promptItem.code,
    mode: 'proxy',
    homes: [home],
    applicant: organization('西安未央示例商贸有限公司', '91610112DEMO00004X'),
    identityCheck: identityCheck('changan-window-11'),
    originalsChecked: true,
    delivery: { method: 'electronic' },
    manifest: await stage.manifest(changan, 'application', documents),
  })
  await stage.receive(weiyang, caseId, ['case.submitted'])
  const { leg } = await stage.transition(weiyang, caseId, home, 'accept', 1)
  say.detail(`deadline ${readableDeadline(leg.deadline)}; warning ${leg.warning}, overdue ${leg.overdue}`)
  say.note('One working day or less is left, so the leg shows warning: true right away.')
  await stage.receive(changan, caseId, ['case.accepted'])

  await earlierOverdue(stage, weiyang, caseId)

  if (options.sweepWaitSeconds === 0) {
    say.note('Not waiting for the supervision sweep (EXCHANGE_DEMO_SWEEP_WAIT=0).')
  } else {
    say.note(
      `Waiting for the supervision sweep (npm start runs it every EXCHANGE_TICK_SECONDS, default 10 s; ` +
        `giving up after ${options.sweepWaitSeconds} s)...`,
    )
    const started = Date.now()
    const wait = { waitSeconds: options.sweepWaitSeconds }
    const warnings = async (who: Actor) =>
      stage.receive(who, caseId, ['case.deadline-warning'], wait).catch((error: unknown) => {
        throw new Error(
          `no case.deadline-warning within ${options.sweepWaitSeconds} s: is the exchange's timer running ` +
            `(EXCHANGE_TICK_SECONDS)? Set EXCHANGE_DEMO_SWEEP_WAIT=0 to skip this wait. (${String(error)})`,
        )
      })
    await warnings(weiyang)
    await warnings(changan)
    say.note(
      `The sweep raised case.deadline-warning to both sides, ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s after the wait began.`,
    )
    const [marked] = await stage.legsOf(weiyang, caseId)
    if (marked !== undefined) {
      say.detail(`${legSummary(marked, true)}; warning ${marked.warning}, overdue ${marked.overdue}`)
      say.note('The sweep marked the leg (a new version), so it raises each warning only once.')
    }
  }
  say.note(`After ${readableDeadline(leg.deadline)} the leg is overdue: GET shows overdue: true and`)
  say.note('the sweep raises case.overdue to both sides, once. Proved with a set clock, not here:')
  say.note('tests/shared/clock/deadline.test.ts (overdue a millisecond after the deadline) and')
  say.note('tests/shared/cases/supervise-deadlines.test.ts (warns once, then raises overdue once).')
  say.note('This leg stays accepted on purpose: run the demo again after its deadline and this story will')
  say.note('list it as overdue, and pull its case.overdue messages from both inboxes.')
}

/** Lists the home's legs of this story from earlier runs that are now really past their deadline. */
const earlierOverdue = async (stage: Stage, home: Actor, caseId: string) => {
  const { status, body } = await home.session.send<{
    cases: { caseId: string; itemCode: string; legs: Leg[] }[]
  }>('GET', '/v1/cases?role=home&status=accepted&limit=100')
  const overdue = body.cases
    .filter((listed) => listed.caseId !== caseId && listed.itemCode === promptItem.code)
    .flatMap((listed) =>
      listed.legs.filter((leg) => leg.overdue).map((leg) => ({ caseId: listed.caseId, leg })),
    )
  stage.say.step(
    home.id,
    'GET /v1/cases (home, accepted)',
    status,
    `${overdue.length} leg(s) from earlier runs are past their deadline`,
  )
  for (const { caseId: earlier, leg } of overdue.slice(0, 3)) {
    stage.say.detail(`case ${earlier}: deadline ${readableDeadline(leg.deadline)}, overdue ${leg.overdue}`)
  }
}
