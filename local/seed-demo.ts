/**
 * `npm run seed`: registers demo data in a running local exchange through its API: the 22 Xi'an
 * city-wide windows (seed 003, annex 1), a cross-province partner, a few catalogue items and the
 * agreements between them. Each participant's private key is written (0600) under
 * `<EXCHANGE_DATA_DIR>/participants/` so that demos and partner tools can act as it.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as z from 'zod'
import { type ParticipantKey, requestToken } from '../client/request-token.js'
import type { AgreementInput } from '../shared/registry/agreement.js'
import type { ItemInput } from '../shared/registry/item.js'
import type { ParticipantInput } from '../shared/registry/participant.js'
import { ensurePrivateJwk, publicJwkOf } from './keys.js'

const Settings = z.object({
  EXCHANGE_URL: z.url().default('http://127.0.0.1:3000'),
  EXCHANGE_DATA_DIR: z.string().min(1).default('.local'),
})

const Windows = z.object({
  windows: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(['city', 'district', 'county', 'development-zone']),
      divisionCode: z.string().nullable().optional(),
      phone: z.string(),
      window: z.string(),
    }),
  ),
})

const items: Record<string, ItemInput> = {
  'tax-registration-change': {
    name: '变更税务登记',
    department: '税务局',
    modes: ['online', 'proxy'],
    promisedDays: 5,
    statutoryDays: 10,
    dayKind: 'working',
    materials: [
      { id: 'application-form', name: '变更税务登记表', required: true },
      { id: 'business-license', name: '营业执照', required: true },
      { id: 'change-resolution', name: '变更决议', required: true },
      { id: 'agent-authorization', name: '经办人授权委托书', required: false },
    ],
  },
  'business-license-change': {
    name: '营业执照变更登记',
    department: '市场监督管理局',
    modes: ['online', 'proxy', 'joint'],
    promisedDays: 3,
    statutoryDays: 15,
    dayKind: 'working',
    materials: [
      { id: 'application-form', name: '变更登记申请书', required: true },
      { id: 'business-license', name: '营业执照正副本', required: true },
    ],
  },
  'social-security-transfer': {
    name: '社会保险关系转移',
    department: '人力资源和社会保障局',
    modes: ['proxy', 'joint'],
    promisedDays: 15,
    statutoryDays: 45,
    dayKind: 'calendar',
    materials: [{ id: 'transfer-application', name: '转移申请表', required: true }],
  },
}

/** Where the seed registers, and whose key it registers with. */
export type SeedOptions = {
  /** The exchange's base URL. */
  url: string
  /** Where each participant's private key is kept, under `participants/` (created when missing). */
  dataDir: string
  /** The administrator's private key. */
  admin: ParticipantKey
  /** Where progress lines go; `console.log` by default. */
  log?: (line: string) => void
}

/**
 * Registers (or keeps, when already registered alike) every demo participant, item and agreement;
 * each participant's key pair is created once and reused, so seeding twice changes nothing.
 */
export const seedDemo = async (options: SeedOptions): Promise<{ participants: number; keysDir: string }> => {
  const { url, dataDir, admin } = options
  const log = options.log ?? console.log
  const { issuer } = (await (await fetch(`${url}/.well-known/exchange-configuration`)).json()) as {
    issuer: string
  }

  const put = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${await requestToken(admin, issuer, { sub: 'seed-demo' })}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    })
    const answer = (await response.json()) as { code?: string; version?: number }
    if (!response.ok) throw new Error(`PUT ${path} answered ${response.status} ${answer.code}`)
    log(`${response.status === 201 ? 'created' : 'kept   '} ${path} (version ${answer.version})`)
  }

  const keysDir = join(dataDir, 'participants')
  await mkdir(keysDir, { recursive: true })
  const keyOf = async (id: string) => publicJwkOf(await ensurePrivateJwk(join(keysDir, `${id}.json`)))

  const { windows } = Windows.parse(
    JSON.parse(await readFile(new URL('./demo/xian-windows.json', import.meta.url), 'utf8')),
  )
  const participants: [string, ParticipantInput][] = [
    ...windows.map((w): [string, ParticipantInput] => [
      w.id,
      {
        name: `${w.name}政务服务中心`,
        kind: w.kind,
        ...(w.id === 'xian' ? {} : { parentId: 'xian' }),
        ...(w.divisionCode ? { divisionCode: w.divisionCode } : {}),
        roles: ['accepting', 'home'],
        jwks: { keys: [] },
        contact: { name: w.window, phone: w.phone },
      },
    ]),
    [
      'nanjing',
      {
        name: '南京市政务服务中心',
        kind: 'city',
        divisionCode: '320100',
        roles: ['accepting', 'home'],
        jwks: { keys: [] },
      },
    ],
    [
      'xian-supervision',
      { name: '西安市电子监察中心', kind: 'agency', roles: ['auditor'], jwks: { keys: [] } },
    ],
  ]
  for (const [id, participant] of participants) {
    await put(`/v1/participants/${id}`, { ...participant, jwks: { keys: [await keyOf(id)] } })
  }
  for (const [code, item] of Object.entries(items)) await put(`/v1/items/${code}`, item)

  const agreements: Record<string, AgreementInput> = {
    'xian-citywide': {
      parties: windows.map((w) => w.id),
      items: ['*'],
      validFrom: '2023-03-24T00:00:00+08:00',
    },
    'xian-nanjing': {
      parties: ['xian', 'xian-gaoxin', 'xian-qujiang', 'nanjing'],
      items: ['tax-registration-change', 'business-license-change'],
      validFrom: '2021-06-01T00:00:00+08:00',
      validUntil: '2027-12-31T23:59:59+08:00',
    },
  }
  for (const [id, agreement] of Object.entries(agreements)) await put(`/v1/agreements/${id}`, agreement)
  log(`Seeded ${participants.length} participants; their private keys are in ${keysDir}.`)
  return { participants: participants.length, keysDir }
}

// `npm run seed`: the CLI entry, only when this file is the script node runs (not when imported).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const settings = Settings.parse(process.env)
  await seedDemo({
    url: settings.EXCHANGE_URL,
    dataDir: settings.EXCHANGE_DATA_DIR,
    admin: {
      participant: 'admin',
      jwk: JSON.parse(await readFile(join(settings.EXCHANGE_DATA_DIR, 'admin-private-jwk.json'), 'utf8')),
    },
  })
}
