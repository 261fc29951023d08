import { randomBytes } from 'node:crypto'
import { sampleItem, sampleResidentId, sampleSubmission } from '#local/sample-handoff.js'
import { type ExchangeSession, exchangeSession } from '../../client/exchange-session.js'
import { admin, type Caller, call, exchange, registerParticipant, uniqueId } from './exchange-client.js'

/** A session of a test participant with the exchange under test. */
export const sessionOf = (caller: Caller): ExchangeSession =>
  exchangeSession(
    exchange.url,
    exchange.exchangeId,
    { participant: caller.id, jwk: caller.jwk },
    'test-suite',
  )

/** A valid GB 11643 resident id (the standard's own example). */
export const residentId = sampleResidentId

/** Some bytes standing for a scanned page. */
export const scan = (name: string, material?: string) => ({
  name,
  contentType: 'application/pdf',
  bytes: randomBytes(2048),
  ...(material === undefined ? {} : { material }),
})

/**
 * A fresh handoff setting: an accepting window, `homeCount` homes, an item with two required
 * materials (and one optional), and an agreement between them all covering the item.
 */
export const handoffSetting = async (homeCount = 1, item: Record<string, unknown> = {}) => {
  const accepting = await registerParticipant(['accepting'])
  const homes = await Promise.all(Array.from({ length: homeCount }, () => registerParticipant(['home'])))
  const itemCode = uniqueId('item')
  const put = async (path: string, body: unknown) => {
    const answer = await call('PUT', path, { as: admin, body })
    if (answer.status !== 201)
      throw new Error(`PUT ${path} answered ${answer.status} ${JSON.stringify(answer.body)}`)
  }
  await put(`/v1/items/${itemCode}`, { ...sampleItem, ...item })
  await put(`/v1/agreements/${uniqueId('agreement')}`, {
    parties: [accepting.id, ...homes.map((home) => home.id)],
    items: [itemCode],
    validFrom: '2020-01-01T00:00:00+08:00',
  })
  return { accepting, homes, itemCode, window: sessionOf(accepting), homeSessions: homes.map(sessionOf) }
}

/** A complete submission body for the setting, with its application manifest signed and uploaded. */
export const submission = async (
  setting: Awaited<ReturnType<typeof handoffSetting>>,
  overrides: Record<string, unknown> = {},
) => {
  const documents = await setting.window.upload([scan('form.pdf', 'form'), scan('licence.pdf', 'licence')])
  return {
    ...sampleSubmission({
      acceptingRef: uniqueId('ref'),
      itemCode: setting.itemCode,
      homes: setting.homes.map((home) => home.id),
      manifest: await setting.window.manifest('application', documents),
    }),
    ...overrides,
  }
}
