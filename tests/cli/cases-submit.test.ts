import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { journalName, lockName } from '../../cli/submission-journal.js'
import { partnerEnv, scratchFolder, writeCaseFolder } from '../support/cli-partners.js'
import { exchange, uniqueId } from '../support/exchange-client.js'
import { handoffSetting } from '../support/handoff-fixtures.js'
import { newSigningKey } from '../support/signing-keys.js'
import { exchangeInProcess } from './run-exchange.js'

type Setting = Awaited<ReturnType<typeof handoffSetting>>

/**
 * A network between the window and the exchange that breaks where a test says: it forwards every
 * call to the exchange, routes the presigned uploads through itself, and drops the connection of
 * uploads of `failingUploads` file names and of submissions while `failSubmissions` is set.
 */
const flakyNetwork = async () => {
  const failingUploads = new Set<string>()
  const state = { failSubmissions: false, submissions: 0, uploads: new Map<string, number>() }
  const storage = new Map<string, { url: string; name: string }>()
  const forward = (target: URL, incoming: IncomingMessage, rewrite?: (body: string) => string) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
      (resolve, reject) => {
        const outgoing = request(
          target,
          { method: incoming.method, headers: { ...incoming.headers, host: target.host } },
          (answer) => {
            const chunks: Buffer[] = []
            answer.on('data', (chunk: Buffer) => chunks.push(chunk))
            answer.on('end', () => {
              const body = Buffer.concat(chunks)
              resolve({
                status: answer.statusCode ?? 502,
                headers: answer.headers,
                body: rewrite === undefined ? body : Buffer.from(rewrite(body.toString('utf8'))),
              })
            })
          },
        )
        outgoing.on('error', reject)
        incoming.pipe(outgoing)
      },
    )
  const server: Server = createServer(async (incoming, reply) => {
    const path = incoming.url ?? '/'
    const slot = storage.get(path)
    if (slot !== undefined) {
      state.uploads.set(slot.name, (state.uploads.get(slot.name) ?? 0) + 1)
      if (failingUploads.has(slot.name)) {
        incoming.socket.destroy()
        return
      }
      const answer = await forward(new URL(slot.url), incoming)
      reply.writeHead(answer.status, answer.headers).end(answer.body)
      return
    }
    if (path === '/v1/cases' && incoming.method === 'POST') {
      state.submissions++
      if (state.failSubmissions) {
        // The exchange gets the submission; only its answer is lost on the way back.
        await forward(new URL(path, exchange.url), incoming)
        incoming.socket.destroy()
        return
      }
    }
    const answer = await forward(new URL(path, exchange.url), incoming, (body) => {
      if (path !== '/v1/uploads') return body
      const parsed = JSON.parse(body) as { uploads: { url: string; name: string; documentId: string }[] }
      for (const upload of parsed.uploads) {
        const through = `/storage/${upload.documentId}`
        storage.set(through, { url: upload.url, name: upload.name })
        upload.url = `${url}${through}`
      }
      return JSON.stringify(parsed)
    })
    const { 'content-length': _length, ...headers } = answer.headers
    reply.writeHead(answer.status, headers).end(answer.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url, failingUploads, state, close: () => new Promise((resolve) => server.close(resolve)) }
}

describe('exchange cases submit', () => {
  let setting: Setting
  let scratch: string
  beforeAll(async () => {
    setting = await handoffSetting()
    scratch = await scratchFolder('exchange-submit')
  })
  afterAll(() => rm(scratch, { recursive: true, force: true }))

  const casesWithRef = async (env: Awaited<ReturnType<typeof partnerEnv>>, acceptingRef: string) => {
    const run = await exchangeInProcess(['cases', 'list', '--limit', '100', '--json'], env)
    return JSON.parse(run.stdout).cases.filter(
      (c: { acceptingRef: string }) => c.acceptingRef === acceptingRef,
    )
  }

  it('submits a folder with a verified receipt, and a rerun answers the same case', async () => {
    const env = await partnerEnv(setting.accepting, scratch)
    const { folder, acceptingRef } = await writeCaseFolder(scratch, setting)
    const first = await exchangeInProcess(['cases', 'submit', folder], env)
    expect(first.code).toBe(0)
    expect(first.stderr).toEqual(['uploaded form.pdf (4.0 KiB)', 'uploaded licence.pdf (4.0 KiB)'])
    const caseId = /^submitted case (\S+) /.exec(first.stdout)?.[1]
    expect(first.stdout).toContain(`(${acceptingRef}): 2 documents, 8.0 KiB, receipt verified`)

    const again = await exchangeInProcess(['cases', 'submit', folder, '--json'], env)
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ caseId, created: false, acceptingRef })
    expect(await casesWithRef(env, acceptingRef)).toHaveLength(1)
  })

  it('resumes after the network fails mid-upload, sending only what was not stored, as one case', async () => {
    const network = await flakyNetwork()
    try {
      const { folder, acceptingRef } = await writeCaseFolder(scratch, setting)
      const flaky = await partnerEnv(setting.accepting, scratch, network.url)
      network.failingUploads.add('licence.pdf')
      const failed = await exchangeInProcess(['cases', 'submit', folder], flaky)
      expect(failed.code).toBe(1)
      expect(failed.stderr.at(-1)).toMatch(/^exchange: /)
      expect(network.state.uploads).toEqual(
        new Map([
          ['form.pdf', 1],
          ['licence.pdf', 3],
        ]),
      )
      expect(network.state.submissions).toBe(0)

      network.failingUploads.clear()
      const resumed = await exchangeInProcess(['cases', 'submit', folder], flaky)
      expect(resumed.code).toBe(0)
      expect(network.state.uploads).toEqual(
        new Map([
          ['form.pdf', 1],
          ['licence.pdf', 4],
        ]),
      )
      expect(await casesWithRef(flaky, acceptingRef)).toHaveLength(1)
    } finally {
      await network.close()
    }
  })

  it('resends the same submission when its answer was lost, and the exchange keeps one case', async () => {
    const network = await flakyNetwork()
    try {
      const { folder, acceptingRef } = await writeCaseFolder(scratch, setting)
      const flaky = await partnerEnv(setting.accepting, scratch, network.url)
      network.state.failSubmissions = true
      const lost = await exchangeInProcess(['cases', 'submit', folder, '--json'], flaky)
      expect(lost.code).toBe(1)
      const journal = JSON.parse(await readFile(join(folder, journalName), 'utf8'))
      expect(journal).toMatchObject({ acceptingRef, manifest: expect.any(String) })

      network.state.failSubmissions = false
      const resumed = await exchangeInProcess(['cases', 'submit', folder, '--json'], flaky)
      expect(resumed.code).toBe(0)
      expect(JSON.parse(resumed.stdout)).toMatchObject({ created: false, acceptingRef })
      expect(await casesWithRef(flaky, acceptingRef)).toHaveLength(1)
    } finally {
      await network.close()
    }
  })

  it('keeps the time each document was stored across reruns, so none is reused past its keeping', async () => {
    const network = await flakyNetwork()
    try {
      const { folder } = await writeCaseFolder(scratch, setting)
      const description = JSON.parse(await readFile(join(folder, 'case.json'), 'utf8'))
      description.documents.push({ file: 'notes.pdf' })
      await writeFile(join(folder, 'case.json'), JSON.stringify(description))
      await writeFile(join(folder, 'notes.pdf'), randomBytes(1024))
      const flaky = await partnerEnv(setting.accepting, scratch, network.url)
      network.failingUploads.add('licence.pdf')
      expect((await exchangeInProcess(['cases', 'submit', folder], flaky)).code).toBe(1)
      const path = join(folder, journalName)
      const journal = JSON.parse(await readFile(path, 'utf8'))
      const storedAt = new Date(Date.now() - 11 * 60 * 60 * 1000).toISOString()
      journal.uploaded[0].at = storedAt
      await writeFile(path, JSON.stringify(journal))

      // The rerun stores the licence, then fails again, at the notes.
      network.failingUploads.clear()
      network.failingUploads.add('notes.pdf')
      expect((await exchangeInProcess(['cases', 'submit', folder], flaky)).code).toBe(1)
      const rerun = JSON.parse(await readFile(path, 'utf8'))
      expect(rerun.uploaded.map(({ index, at }: { index: number; at: string }) => [index, at])).toEqual([
        [0, storedAt],
        [1, expect.not.stringMatching(storedAt)],
      ])
      expect(network.state.uploads.get('form.pdf')).toBe(1)
    } finally {
      await network.close()
    }
  })

  it.each([
    ['cut off', '{"format": "exchange-submission/1", "manif'],
    ['of another format', '{"format": "exchange-submission/2"}'],
  ])('refuses a journal %s before uploading anything', async (_, text) => {
    const network = await flakyNetwork()
    try {
      const { folder } = await writeCaseFolder(scratch, setting)
      await writeFile(join(folder, journalName), text)
      const run = await exchangeInProcess(
        ['cases', 'submit', folder, '--json'],
        await partnerEnv(setting.accepting, scratch, network.url),
      )
      expect({
        code: run.code,
        error: JSON.parse(run.stdout).error.code,
        uploads: network.state.uploads.size,
        submissions: network.state.submissions,
      }).toEqual({ code: 1, error: 'journal-damaged', uploads: 0, submissions: 0 })
    } finally {
      await network.close()
    }
  })

  it('refuses a folder submitted as another participant, rather than call it changed', async () => {
    const { folder } = await writeCaseFolder(scratch, setting)
    expect(
      (await exchangeInProcess(['cases', 'submit', folder], await partnerEnv(setting.accepting, scratch)))
        .code,
    ).toBe(0)
    const stranger = { id: uniqueId('window'), jwk: (await newSigningKey()).privateJwk }
    const run = await exchangeInProcess(
      ['cases', 'submit', folder, '--json'],
      await partnerEnv(stranger, scratch),
    )
    expect({ code: run.code, error: JSON.parse(run.stdout).error.code }).toEqual({
      code: 1,
      error: 'submitted-elsewhere',
    })
  })

  it('refuses a folder changed after its manifest was signed, before sending anything', async () => {
    const env = await partnerEnv(setting.accepting, scratch)
    const { folder } = await writeCaseFolder(scratch, setting)
    expect((await exchangeInProcess(['cases', 'submit', folder], env)).code).toBe(0)
    await writeFile(join(folder, 'licence.pdf'), randomBytes(4096))
    const run = await exchangeInProcess(['cases', 'submit', folder, '--json'], env)
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).error.code).toBe('folder-changed')
  })

  it('refuses a folder with a file over the size limit before uploading anything', async () => {
    const network = await flakyNetwork()
    try {
      const { folder } = await writeCaseFolder(scratch, setting)
      await truncate(join(folder, 'licence.pdf'), 50 * 1024 * 1024 + 1)
      const run = await exchangeInProcess(
        ['cases', 'submit', folder, '--json'],
        await partnerEnv(setting.accepting, scratch, network.url),
      )
      expect(run.code).toBe(1)
      expect(JSON.parse(run.stdout).error.code).toBe('case-folder-refused')
      expect({ uploads: network.state.uploads.size, submissions: network.state.submissions }).toEqual({
        uploads: 0,
        submissions: 0,
      })
    } finally {
      await network.close()
    }
  })

  it('lets one of two submissions of a folder run at once, and the exchange keeps one case', async () => {
    const env = await partnerEnv(setting.accepting, scratch)
    const { folder, acceptingRef } = await writeCaseFolder(scratch, setting)
    const runs = await Promise.all([
      exchangeInProcess(['cases', 'submit', folder, '--json'], env),
      exchangeInProcess(['cases', 'submit', folder, '--json'], env),
    ])
    const outcomes = runs
      .map((run) => (run.code === 0 ? 'submitted' : JSON.parse(run.stdout).error.code))
      .sort()
    expect(outcomes).toEqual(['submission-in-progress', 'submitted'])
    expect(await casesWithRef(env, acceptingRef)).toHaveLength(1)
    expect(await readdir(folder)).not.toContain(lockName)
  })

  it('takes over the lock of a submission whose process is gone', async () => {
    const env = await partnerEnv(setting.accepting, scratch)
    const { folder } = await writeCaseFolder(scratch, setting)
    const gone = spawnSync(process.execPath, ['-e', '']).pid
    await writeFile(join(folder, lockName), String(gone))
    const run = await exchangeInProcess(['cases', 'submit', folder], env)
    expect(run.code).toBe(0)
    expect(await readdir(folder)).not.toContain(lockName)
  })
})
