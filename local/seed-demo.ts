/**
 * `npm run seed`: registers demo data in a running local exchange through its API: the 22 Xi'an
 * city-wide windows (seed 003, annex 1), a cross-province partner, a few catalogue items and the
 * agreements between them. Each participant's private key is written (0600) under
 * `<EXCHANGE_DATA_DIR>/participants/` so that demos and partner tools can act as it.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
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

const settings = Settings.parse(process.env)
const dataDir = settings.EXCHANGE_DATA_DIR
const admin: ParticipantKey = {
  participant: 'admin',
  jwk: JSON.parse(await readFile(join(dataDir, 'admin-private-jwk.json'), 'utf8')),
}
const { issuer } = (await (
  await fetch(`${settings.EXCHANGE_URL}/.well-known/exchange-configuration`)
).json()) as {
  issuer: string
}

const put = async (path: string, body: unknown) => {
  const response = await fetch(`${settings.EXCHANGE_URL}${path}`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${await requestToken(admin, issuer, { sub: 'seed-demo' })}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  })
  const answer = (await response.json()) as { code?: string; version?: number }
  if (!response.ok) throw new Error(`PUT ${path} answered ${response.status} ${answer.code}`)
  console.log(`${response.status === 201 ? 'created' : 'kept   '} ${path} (version ${answer.version})`)
}

await mkdir(join(dataDir, 'participants'), { recursive: true })
const keyOf = async (id: string) =>
  publicJwkOf(await ensurePrivateJwk(join(dataDir, 'participants', `${id}.json`)))

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
console.log(
  `Seeded ${participants.length} participants; their private keys are in ${join(dataDir, 'participants')}.`,
)
