import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { exportJWK, generateKeyPair } from 'jose'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { sampleSubmission } from '#local/sample-handoff.js'
// Partners import the client's public surface, so the tests do too.
import {
  type ConnectOptions,
  connectExchange,
  documentFromBytes,
  type ExchangeClient,
  ExchangeProblem,
  UntrustedAnswer,
  UploadFailed,
} from '../../client/index.js'
import { checkpointEverything } from '../support/audit-checkpoints.js'
import { type Caller, exchange, registerParticipant, uniqueId } from '../support/exchange-client.js'
import { handoffSetting } from '../support/handoff-fixtures.js'

type Setting = Awaited<ReturnType<typeof handoffSetting>>

const connectAs = (caller: Caller, options: Partial<ConnectOptions> = {}) =>
  connectExchange({
    baseUrl: exchange.url,
    key: { participant: caller.id, jwk: caller.jwk },
    sub: 'client-test',
    ...options,
  })

/** A fetch that hands some answers over altered, as a compromised exchange or proxy would. */
const tampering =
  (rewrite: (url: string, body: string) => string | undefined): typeof fetch =>
  async (input, init) => {
    const response = await fetch(input, init)
    const url = String(input)
    const altered = rewrite(url, await response.clone().text())
    return altered === undefined
      ? response
      : new Response(altered, { status: response.status, headers: response.headers })
  }

/** Flips one character of a compact JWS's signature. */
const forge = (jws: string) => `${jws.slice(0, -3)}${jws.at(-3) === 'A' ? 'B' : 'A'}${jws.slice(-2)}`

const scan = (name: string, material?: string) =>
  documentFromBytes({
    name,
    contentType: 'application/pdf',
    bytes: randomBytes(4096),
    ...(material ? { material } : {}),
  })

/** A submission of the setting's window, its documents uploaded and its manifest signed by the client. */
const describedCase = async (setting: Setting, window: ExchangeClient) => {
  const documents = await window.uploadDocuments([scan('form.pdf', 'form'), scan('licence.pdf', 'licence')])
  return sampleSubmission({
    acceptingRef: uniqueId('ref'),
    itemCode: setting.itemCode,
    homes: setting.homes.map((home) => home.id),
    manifest: await window.signManifest('application', documents),
  })
}

/** Collects what a download writes. */
const memorySink = () => {
  const chunks: Buffer[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk)
      done()
    },
  })
  return { sink, bytes: () => Buffer.concat(chunks) }
}

describe('connectExchange', () => {
  let setting: Setting
  let window: ExchangeClient
  let home: ExchangeClient
  beforeAll(async () => {
    setting = await handoffSetting()
    window = await connectAs(setting.accepting)
    home = await connectAs(setting.homes[0] as Caller)
  })

  it('learns the exchange id from discovery and refuses an exchange other than the one expected', async () => {
    expect(window.exchangeId).toBe(exchange.exchangeId)
    const refusal = await connectAs(setting.accepting, { exchangeId: 'another-exchange' }).catch((e) => e)
    expect(refusal).toBeInstanceOf(UntrustedAnswer)
    expect(refusal.reason).toBe('unexpected-answer')
  })

  it('knows every operation the served OpenAPI document lists, and no other', async () => {
    expect(await window.compareOpenApi()).toEqual({ missingFromExchange: [], unknownToClient: [] })
  })

  it('reports operations the served document and the client disagree on', async () => {
    const older = await connectAs(setting.accepting, {
      fetch: tampering((url, body) => {
        if (!url.endsWith('/openapi.json')) return undefined
        const document = JSON.parse(body)
        delete document.paths['/v1/stats']
        document.paths['/v2/cases'] = { post: {} }
        return JSON.stringify(document)
      }),
    })
    expect(await older.compareOpenApi()).toEqual({
      missingFromExchange: ['GET /v1/stats'],
      unknownToClient: ['POST /v2/cases'],
    })
  })

  it('hands a case over with a verified receipt, and a resent submission answers the same case', async () => {
    const progress: Record<string, number> = {}
    const stored: string[] = []
    const documents = await window.uploadDocuments(
      [scan('form.pdf', 'form'), scan('licence.pdf', 'licence')],
      {
        progress: (document, bytes) => {
          progress[document.name] = bytes
        },
        uploaded: (entry, index) => void stored.push(`${index}:${entry.name}`),
      },
    )
    expect(progress).toEqual({ 'form.pdf': 4096, 'licence.pdf': 4096 })
    expect(stored).toEqual(['0:form.pdf', '1:licence.pdf'])
    const submission = sampleSubmission({
      acceptingRef: uniqueId('ref'),
      itemCode: setting.itemCode,
      homes: setting.homes.map((h) => h.id),
      manifest: await window.signManifest('application', documents),
    })
    const first = await window.submitCase(submission)
    const again = await window.submitCase(submission)
    expect(first).toMatchObject({ created: true, acceptingRef: submission.acceptingRef })
    expect(again).toMatchObject({ created: false, caseId: first.caseId, receipt: first.receipt })
  })

  it('lets a home pull, read, download and decide, every signature and byte verified', async () => {
    const submission = await describedCase(setting, window)
    const { caseId } = await window.submitCase(submission)
    const homeId = (setting.homes[0] as Caller).id
    const messages = await home.pull({ max: 100 })
    const submitted = messages.find((message) => message.caseId === caseId)
    expect(submitted).toMatchObject({ type: 'case.submitted', home: homeId })
    expect(await home.ack(messages.map((message) => message.lease))).toMatchObject({ acked: messages.length })

    const [application] = await home.listPackages(caseId)
    const document = application?.documents[0]
    if (document === undefined) throw new Error('the package lists no document')
    const { sink, bytes } = memorySink()
    await home.downloadDocument(document, sink)
    expect(bytes().length).toBe(document.size)
    expect(await home.getPackage(caseId, application?.packageId ?? '')).toMatchObject({
      packageId: application?.packageId,
      seal: application?.seal,
    })

    const answer = await home.transition(caseId, homeId, { action: 'approve-intake', expectedVersion: 1 })
    expect(answer.leg).toMatchObject({ status: 'intake-approved', notice: expect.any(String) })
    const approved = (await window.pull({ max: 100 })).find((message) => message.caseId === caseId)
    expect(approved).toMatchObject({ type: 'case.intake-approved', body: { notice: answer.leg.notice } })
    expect((await window.getCase(caseId)).legs[0]).toMatchObject({ status: 'intake-approved' })
  })

  it('surfaces refusals as typed problems with their codes', async () => {
    const { caseId } = await window.submitCase(await describedCase(setting, window))
    const homeId = (setting.homes[0] as Caller).id
    const refusal = await home
      .transition(caseId, homeId, { action: 'accept', expectedVersion: 7 })
      .catch((e) => e)
    expect(refusal).toBeInstanceOf(ExchangeProblem)
    expect({
      status: refusal.status,
      code: refusal.code,
      currentVersion: refusal.body.currentVersion,
    }).toEqual({
      status: 409,
      code: 'version-conflict',
      currentVersion: 1,
    })
    const invalid = await window.call('createUploads', { body: { files: [] } }).catch((e) => e)
    expect({ code: invalid.code, paths: invalid.errors.map((e: { path: string }) => e.path) }).toEqual({
      code: 'validation-failed',
      paths: ['/files'],
    })
  })
})

describe('connectExchange against an exchange whose answers do not verify', () => {
  let setting: Setting
  beforeAll(async () => {
    setting = await handoffSetting()
  })

  it('refuses a receipt whose signature was altered', async () => {
    const window = await connectAs(setting.accepting, {
      fetch: tampering((url, body) => {
        if (!url.endsWith('/v1/cases')) return undefined
        const answer = JSON.parse(body)
        return JSON.stringify({ ...answer, receipt: forge(answer.receipt) })
      }),
    })
    const refusal = await window.submitCase(await describedCase(setting, window)).catch((e) => e)
    expect(refusal).toBeInstanceOf(UntrustedAnswer)
    expect(refusal.reason).toBe('bad-signature')
  })

  it('refuses receipts signed by keys other than those the exchange publishes', async () => {
    const { publicKey } = await generateKeyPair('ES256')
    const foreign = { keys: [{ ...(await exportJWK(publicKey)), kid: 'foreign', alg: 'ES256', use: 'sig' }] }
    const window = await connectAs(setting.accepting, {
      fetch: tampering((url) =>
        url.endsWith('/.well-known/jwks.json') ? JSON.stringify(foreign) : undefined,
      ),
    })
    const refusal = await window.submitCase(await describedCase(setting, window)).catch((e) => e)
    expect(refusal.reason).toBe('bad-signature')
  })

  /** The first two documents of a package listing, as a test alters them. */
  const firstTwo = (documents: { name: string; sha256: string }[]) => {
    const [first, second] = documents
    if (first === undefined || second === undefined)
      throw new Error('the package lists fewer than two documents')
    return [first, second] as const
  }

  it.each([
    [
      'a hash',
      (documents: { name: string; sha256: string }[]) => {
        firstTwo(documents)[0].sha256 = 'f'.repeat(64)
      },
    ],
    [
      'the names of two documents',
      (documents: { name: string; sha256: string }[]) => {
        const [first, second] = firstTwo(documents)
        ;[first.name, second.name] = [second.name, first.name]
      },
    ],
  ])('refuses a package whose listing alters %s of its sealed manifest', async (_, alter) => {
    const window = await connectAs(setting.accepting)
    const { caseId } = await window.submitCase(await describedCase(setting, window))
    const altered = await connectAs(setting.accepting, {
      fetch: tampering((url, body) => {
        if (!url.includes('/packages')) return undefined
        const answer = JSON.parse(body)
        alter(answer.packages[0].documents)
        return JSON.stringify(answer)
      }),
    })
    const refusal = await altered.listPackages(caseId).catch((e) => e)
    expect(refusal.reason).toBe('claims-mismatch')
  })

  it('refuses a sealed package other than the one asked for', async () => {
    const window = await connectAs(setting.accepting)
    const { caseId } = await window.submitCase(await describedCase(setting, window))
    const [application] = await window.listPackages(caseId)
    const asked = `pkg-${'a'.repeat(26)}`
    const substituting = await connectAs(setting.accepting, {
      fetch: (input, init) => fetch(String(input).replace(asked, application?.packageId ?? ''), init),
    })
    const refusal = await substituting.getPackage(caseId, asked).catch((e) => e)
    expect(refusal.reason).toBe('claims-mismatch')
  })

  it('refuses upload slots handed out in another order than the files were announced', async () => {
    const reordered = await connectAs(setting.accepting, {
      fetch: tampering((url, body) => {
        if (!url.endsWith('/v1/uploads')) return undefined
        const answer = JSON.parse(body)
        return JSON.stringify({ uploads: answer.uploads.reverse() })
      }),
    })
    const refusal = await reordered
      .uploadDocuments([scan('form.pdf', 'form'), scan('licence.pdf', 'licence')])
      .catch((e) => e)
    expect(refusal.reason).toBe('unexpected-answer')
  })

  /** A case of the setting whose (only) home approved the intake, through untampered clients. */
  const approvedIntake = async () => {
    const window = await connectAs(setting.accepting)
    const home = setting.homes[0] as Caller
    const { caseId } = await window.submitCase(await describedCase(setting, window))
    await (await connectAs(home)).transition(caseId, home.id, {
      action: 'approve-intake',
      expectedVersion: 1,
    })
    return { caseId, home }
  }

  it('refuses an approved intake whose answer comes without its notice', async () => {
    const window = await connectAs(setting.accepting)
    const home = setting.homes[0] as Caller
    const { caseId } = await window.submitCase(await describedCase(setting, window))
    const stripping = await connectAs(home, {
      fetch: tampering((url, body) => {
        if (!url.endsWith('/transitions')) return undefined
        const answer = JSON.parse(body)
        delete answer.leg.notice
        return JSON.stringify(answer)
      }),
    })
    const refusal = await stripping
      .transition(caseId, home.id, { action: 'approve-intake', expectedVersion: 1 })
      .catch((e) => e)
    expect(refusal.reason).toBe('unexpected-answer')
  })

  it('refuses an intake-approved message that comes without its notice', async () => {
    await approvedIntake()
    const stripping = await connectAs(setting.accepting, {
      fetch: tampering((url, body) => {
        if (!url.endsWith('/v1/inbox/pull')) return undefined
        const answer = JSON.parse(body)
        for (const message of answer.messages) delete message.body.notice
        return JSON.stringify(answer)
      }),
    })
    const refusal = await stripping.pull({ max: 100, leaseSeconds: 10 }).catch((e) => e)
    expect(refusal.reason).toBe('unexpected-answer')
  })

  it("refuses a case whose reference differs from the one its legs' notices bind", async () => {
    const { caseId } = await approvedIntake()
    const altered = await connectAs(setting.accepting, {
      fetch: tampering((url, body) => {
        if (!url.endsWith(`/v1/cases/${caseId}`)) return undefined
        return JSON.stringify({ ...JSON.parse(body), acceptingRef: 'another-ref' })
      }),
    })
    const refusal = await altered.getCase(caseId).catch((e) => e)
    expect(refusal.reason).toBe('claims-mismatch')
  })

  it('refuses downloaded bytes that differ from the sealed listing', async () => {
    const window = await connectAs(setting.accepting)
    const { caseId } = await window.submitCase(await describedCase(setting, window))
    const [application] = await window.listPackages(caseId)
    const document = application?.documents[0]
    if (document === undefined) throw new Error('the package lists no document')
    const refusal = await window
      .downloadDocument({ ...document, sha256: '0'.repeat(64) }, memorySink().sink)
      .catch((e) => e)
    expect(refusal.reason).toBe('document-mismatch')
  })
})

describe('connectExchange retries', () => {
  let caller: Caller
  beforeAll(async () => {
    caller = await registerParticipant(['accepting'])
  })

  /** A fetch that fails the first `failures` calls to `path` as `fail` says, then passes through. */
  const flaky = (path: string, failures: number, fail: () => Promise<Response>) => {
    let calls = 0
    const wrapped: typeof fetch = async (input, init) => {
      if (!String(input).includes(path)) return fetch(input, init)
      calls++
      return calls <= failures ? fail() : fetch(input, init)
    }
    return { fetch: wrapped, calls: () => calls }
  }

  const busy = (retryAfter: string) => async () =>
    new Response(JSON.stringify({ code: 'unavailable', detail: 'busy' }), {
      status: 503,
      headers: { 'content-type': 'application/problem+json', 'retry-after': retryAfter },
    })

  it('waits as long as Retry-After asks, then succeeds, with a fresh token each try', async () => {
    const waits: number[] = []
    const network = flaky('/v1/participants/', 2, busy('2'))
    const client = await connectAs(caller, { fetch: network.fetch, sleep: async (ms) => void waits.push(ms) })
    expect((await client.call('getParticipant', { params: { id: caller.id } })).id).toBe(caller.id)
    expect({ calls: network.calls(), waits }).toEqual({ calls: 3, waits: [2000, 2000] })
  })

  it('gives up at once when Retry-After asks for longer than the policy allows', async () => {
    const network = flaky('/v1/participants/', 1, busy('3600'))
    const client = await connectAs(caller, { fetch: network.fetch, sleep: async () => undefined })
    const refusal = await client.call('getParticipant', { params: { id: caller.id } }).catch((e) => e)
    expect({ code: refusal.code, calls: network.calls() }).toEqual({ code: 'unavailable', calls: 1 })
  })

  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('backs off at most maxDelayMs between tries when the exchange gives no Retry-After', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    const waits: number[] = []
    const unavailable = async () =>
      new Response(JSON.stringify({ code: 'unavailable', detail: 'busy' }), {
        status: 503,
        headers: { 'content-type': 'application/problem+json' },
      })
    const network = flaky('/v1/participants/', 9, unavailable)
    const client = await connectAs(caller, {
      fetch: network.fetch,
      sleep: async (ms) => void waits.push(ms),
      retry: { attempts: 10, maxDelayMs: 5000 },
    })
    expect((await client.call('getParticipant', { params: { id: caller.id } })).id).toBe(caller.id)
    expect({ calls: network.calls(), waits }).toEqual({
      calls: 10,
      waits: [125, 250, 500, 1000, 2000, 2500, 2500, 2500, 2500],
    })
  })

  it('surfaces an error answer without a problem document as unavailable, with its status', async () => {
    const gatewayError = async () =>
      new Response(JSON.stringify({ message: 'Internal Server Error' }), {
        status: 500,
        headers: { 'content-type': 'application/json' },
      })
    const network = flaky('/v1/participants/', 1, gatewayError)
    const client = await connectAs(caller, { fetch: network.fetch, sleep: async () => undefined })
    const refusal = await client.call('getParticipant', { params: { id: caller.id } }).catch((e) => e)
    expect(refusal).toBeInstanceOf(ExchangeProblem)
    expect({ status: refusal.status, code: refusal.code, calls: network.calls() }).toEqual({
      status: 500,
      code: 'unavailable',
      calls: 1,
    })
  })

  /** A success whose body the network cuts off after a few bytes. */
  const cutOff = async () =>
    new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"id":'))
          controller.error(new TypeError('terminated'))
        },
      }),
      { status: 200, headers: { 'content-type': 'application/json' } },
    )

  /** An answer the network never delivers. */
  const lost = async (): Promise<Response> => {
    throw new TypeError('fetch failed')
  }

  it.each([
    ['never came', lost, 'fetch failed'],
    ['was cut off on its way back', cutOff, 'terminated'],
  ])('repeats a read whose answer %s, but never a pull', async (_, fail, failure) => {
    const reads = flaky('/v1/participants/', 1, fail)
    const reader = await connectAs(caller, { fetch: reads.fetch, sleep: async () => undefined })
    expect((await reader.call('getParticipant', { params: { id: caller.id } })).id).toBe(caller.id)
    expect(reads.calls()).toBe(2)

    const pulls = flaky('/v1/inbox/pull', 1, fail)
    const puller = await connectAs(caller, { fetch: pulls.fetch, sleep: async () => undefined })
    const refusal = await puller.pull().catch((e) => e)
    expect({
      distrusted: refusal instanceof UntrustedAnswer,
      message: refusal.message,
      calls: pulls.calls(),
    }).toEqual({ distrusted: false, message: failure, calls: 1 })
  })
})

describe('connectExchange uploads', () => {
  let caller: Caller
  beforeAll(async () => {
    caller = await registerParticipant(['accepting'])
  })

  /**
   * A storage that answers every presigned PUT with `status`, or breaks the connection (`hang-up`),
   * counting the tries: its fetch hands the client this storage's URLs instead of the real ones.
   */
  const brokenStorage = async (status: number | 'hang-up') => {
    let puts = 0
    const server = createServer((incoming, reply) => {
      puts++
      if (status === 'hang-up') return void incoming.socket.destroy()
      incoming.resume().on('end', () => reply.writeHead(status).end())
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return {
      fetch: tampering((url, body) => {
        if (!url.endsWith('/v1/uploads')) return undefined
        const answer = JSON.parse(body)
        for (const upload of answer.uploads) upload.url = `${base}/${upload.documentId}`
        return JSON.stringify(answer)
      }),
      puts: () => puts,
      close: () => new Promise((resolve) => server.close(resolve)),
    }
  }

  it.each([
    ['refuses it', 403, 1],
    ['fails it on every try', 503, 3],
    ['breaks the connection on every try', 'hang-up', 3],
  ] as const)(
    'throws UploadFailed naming the document and status when the storage %s',
    async (_, answer, puts) => {
      const storage = await brokenStorage(answer)
      try {
        const window = await connectAs(caller, { fetch: storage.fetch, sleep: async () => undefined })
        const refusal = await window.uploadDocuments([scan('form.pdf', 'form')]).catch((e) => e)
        expect(refusal).toBeInstanceOf(UploadFailed)
        expect({ document: refusal.document, status: refusal.status, puts: storage.puts() }).toEqual({
          document: 'form.pdf',
          status: answer === 'hang-up' ? undefined : answer,
          puts,
        })
      } finally {
        await storage.close()
      }
    },
  )
})

describe('connectExchange audit proofs', () => {
  it('verifies checkpoints, an event inclusion and consistency between two checkpoints', async () => {
    const setting = await handoffSetting()
    const auditor = await connectAs(await registerParticipant(['auditor']))
    const window = await connectAs(setting.accepting)
    const { caseId } = await window.submitCase(await describedCase(setting, window))
    await checkpointEverything()
    const older = await auditor.latestCheckpoint()
    await window.submitCase(await describedCase(setting, window))
    await checkpointEverything()
    const newer = await auditor.latestCheckpoint()
    expect(newer.treeSize).toBeGreaterThan(older.treeSize)
    await auditor.proveConsistency(older, newer)

    const { events } = await auditor.call('queryEvents', { query: { caseId } })
    const event = events[0]
    if (event === undefined) throw new Error('the case has no events')
    const proven = await auditor.proveEvent(event)
    expect(proven.leafIndex).toBeLessThan(proven.checkpoint.treeSize)
    const forged = await auditor.proveEvent({ ...event, hash: 'a'.repeat(64) }).catch((e) => e)
    expect(forged.reason).toBe('bad-proof')
    const swapped = await auditor
      .proveConsistency({ ...older, rootHash: 'b'.repeat(64) }, newer)
      .catch((e) => e)
    expect(swapped.reason).toBe('bad-proof')
  })

  it('fetches a whole export, part after part', async () => {
    const auditor = await connectAs(await registerParticipant(['auditor']))
    await checkpointEverything()
    let text = ''
    for await (const part of auditor.exportAudit()) text += part
    expect(JSON.parse(text.slice(0, text.indexOf('\n')))).toMatchObject({ type: 'header' })
  })
})
