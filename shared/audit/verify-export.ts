import { hash } from 'node:crypto'
import * as z from 'zod'
import { algorithmOf, PublicJwk } from '../registry/jwks.js'
import type { SignatureVerifier } from '../trust/authenticate.js'
import { chainOf, genesisHash, hashEvent } from './audit-event.js'
import {
  AnchorLine,
  CheckpointClaims,
  CheckpointLine,
  ConsistencyLine,
  EndLine,
  type EventLine,
  ExportHeader,
  exportFormat,
  ProofLine,
} from './audit-export.js'
import { type EventFacts, factsOf, readCanonicalEventLine } from './canonical-event-line.js'
import { emptyRoot, leafHash, verifyConsistency, verifyInclusion } from './merkle.js'
import { eventShapeProblem, hashOfParsedEvent } from './parsed-event.js'

/** What is wrong, as a stable code a tool can act on; the message says it for people. */
export type ProblemCode =
  | 'malformed'
  | 'too-large'
  | 'bad-key'
  | 'unknown-key'
  | 'bad-signature'
  | 'bad-checkpoint'
  | 'checkpoint-order'
  | 'header-mismatch'
  | 'bad-consistency'
  | 'missing-consistency'
  | 'inconsistent'
  | 'hash-mismatch'
  | 'out-of-order'
  | 'duplicate'
  | 'outside-window'
  | 'not-in-tree'
  | 'broken-link'
  | 'fork'
  | 'missing-proof'
  | 'bad-proof'
  | 'bad-anchor'
  | 'missing-leaf'
  | 'root-mismatch'
  | 'count-mismatch'
  | 'truncated'

/** One thing wrong with an export: the line it is on (0: the file as a whole) and the event, if any. */
export type ExportProblem = { line: number; code: ProblemCode; eventId?: string; message: string }

/** What a verification found: the export's identity and counts, and every problem (capped). */
export type ExportVerification = {
  valid: boolean
  exchangeId?: string
  scope?: 'whole' | 'window'
  from?: string
  to?: string
  exportedAt?: string
  /** The size of the tree the export is pinned to, and its root as the last checkpoint signs it. */
  treeSize: number
  rootHash?: string
  events: number
  checkpoints: number
  /** The kids of the keys the checkpoints were checked with. */
  keys: string[]
  lines: number
  problems: ExportProblem[]
  /** Problems found beyond the listed ones. */
  unlisted: number
}

/** What verification needs: a signature check (jose behind a port) and optionally the keys to trust. */
export type VerifyExportDeps = {
  verifier: SignatureVerifier
  /**
   * The exchange's JWKS obtained out of band (its `/.well-known/jwks.json`, a pinned copy). Without
   * it the header's keys are trusted, which proves the export is whole and unaltered since the
   * exchange signed it, but not that it was the exchange that signed.
   */
  trustedKeys?: unknown
}

/** At most this many problems are listed; the rest are counted. */
const maxListed = 1000
/** Signature checks in flight at once. */
const signatureBatch = 64
/** Trees larger than this are not rebuilt in memory (32 bytes per leaf). */
const maxRebuiltLeaves = 2 ** 26

const hexBytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'))
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0

/**
 * A copy of a substring that does not keep the text it was cut from alive: V8 makes a substring of
 * 13 characters or more a view of its parent, here a whole chunk of the file, which a chain's key
 * would otherwise hold for the whole run.
 */
const detached = (text: string) => ` ${text}`.slice(1)

/** What is wrong with an event line, checked without zod (this runs for every event). */
const eventLineProblem = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return 'not an object'
  for (const key in value) if (key !== 'type' && key !== 'event') return `unknown member ${key}`
  const problem = eventShapeProblem((value as { event?: unknown }).event)
  return problem === undefined ? undefined : `event: ${problem}`
}

/** The first issue of a failed parse, as `path: message`. */
const issueOf = (error: z.ZodError) => {
  const [issue] = error.issues
  if (issue === undefined) return 'invalid'
  const path = issue.path.map(String).join('.')
  return issue.code === 'unrecognized_keys'
    ? `unknown member ${issue.keys.map((key) => (path === '' ? key : `${path}.${key}`)).join(', ')}`
    : `${path === '' ? '' : `${path}: `}${issue.message}`
}

const decodeSegment = (segment: string): unknown => {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
}

const JwsHeader = z.looseObject({ alg: z.string(), kid: z.string(), typ: z.string() })

type Checkpoint = { line: number; treeSize: number; root: Uint8Array; rootHash: string }

/** An event that arrived before its predecessor, by the hash it links to. */
type Waiting = Map<string, { line: number; event: EventFacts }>

/**
 * The chains of one kind (per case, or per participant for events without a case), by case id or
 * participant: the hash each has reached (its tip), and the events waiting in the few that have any.
 * Two flat maps, no key built and no object per chain: every event looks its chain up.
 */
type Chains = { tips: Map<string, string>; waiting: Map<string, Waiting> }

/** The event on the line before a proof line, waiting for that proof. */
type Unproven = { line: number; event: EventFacts }

/**
 * Verifies an audit export line by line (format in `docs/audit-export.md`): the header and its
 * keys; every checkpoint's signature, order and claims; the consistency proofs between them; every
 * event's hash, order and chain link; and either the tree rebuilt from all events against every
 * checkpoint (`whole`) or each event's inclusion proof against the last checkpoint (`window`).
 * Needs no network: keys come from the header or from `trustedKeys`.
 */
export const createExportVerifier = (deps: VerifyExportDeps) => {
  const problems: ExportProblem[] = []
  let unlisted = 0
  const report = (line: number, code: ProblemCode, message: string, eventId?: string) => {
    if (problems.length >= maxListed) unlisted++
    else problems.push({ line, code, message, ...(eventId === undefined ? {} : { eventId }) })
  }

  let lineNumber = 0
  let phase: 'header' | 'checkpoints' | 'events' | 'ended' | 'unreadable' = 'header'
  let header: ExportHeader | undefined
  let from: number | undefined
  let to: number | undefined
  const keys = new Map<string, PublicJwk>()
  const checkpoints: Checkpoint[] = []
  let checkpointLines = 0
  const bySize = new Map<number, Checkpoint>()
  const proven = new Set<number>()
  const signatures: Promise<void>[] = []
  let latest: Checkpoint | undefined
  let events = 0
  let lastAt = ''
  let lastLine = 0
  let lastEventId = ''
  let unproven: Unproven | undefined
  const caseChains: Chains = { tips: new Map(), waiting: new Map() }
  const participantChains: Chains = { tips: new Map(), waiting: new Map() }
  let leaves: Buffer | undefined
  let leafLines: Int32Array | undefined

  const readHeader = (value: unknown) => {
    const parsed = ExportHeader.safeParse(value)
    if (!parsed.success) {
      const format = (value as { format?: unknown } | null)?.format
      report(
        1,
        'malformed',
        typeof format === 'string' && format !== exportFormat
          ? `unknown export format ${JSON.stringify(format)}; this verifier reads ${exportFormat}`
          : `not an export header: ${issueOf(parsed.error)}`,
      )
      phase = 'unreadable'
      return
    }
    header = parsed.data
    const instant = (name: 'from' | 'to') => {
      const text = parsed.data[name]
      if (text === undefined) return undefined
      const time = Date.parse(text)
      if (Number.isNaN(time)) report(1, 'malformed', `header: ${name} is not an instant`)
      return time
    }
    from = instant('from')
    to = instant('to')
    if (header.scope === 'window' && from === undefined && to === undefined)
      report(1, 'malformed', 'header: a window export names from or to')
    const jwks = (deps.trustedKeys ?? header.keys) as { keys?: unknown }
    const list = Array.isArray(jwks?.keys) ? jwks.keys : []
    list.forEach((candidate: unknown, index) => {
      const key = PublicJwk.safeParse(candidate)
      if (key.success) keys.set(key.data.kid, key.data)
      else
        report(
          deps.trustedKeys === undefined ? 1 : 0,
          'bad-key',
          `key ${index} is not a public signing key: ${issueOf(key.error)}`,
        )
    })
    if (keys.size === 0)
      report(deps.trustedKeys === undefined ? 1 : 0, 'bad-key', 'no public key to check signatures with')
    if (header.treeSize > 0 && header.scope === 'whole') {
      if (header.treeSize > maxRebuiltLeaves)
        report(
          1,
          'too-large',
          `a whole export of ${header.treeSize} events is beyond this verifier (${maxRebuiltLeaves})`,
        )
      else {
        leaves = Buffer.alloc(header.treeSize * 32)
        leafLines = new Int32Array(header.treeSize)
      }
    }
    phase = 'checkpoints'
  }

  const checkSignature = (line: number, jws: string, key: PublicJwk) => {
    signatures.push(
      deps.verifier.verify(jws, key, `export:${key.kid}:${key.x}`).then(
        (valid) => {
          if (!valid)
            report(line, 'bad-signature', `checkpoint signature does not verify with key ${key.kid}`)
        },
        () => report(line, 'bad-signature', `checkpoint signature could not be checked with key ${key.kid}`),
      ),
    )
  }

  /**
   * Reads a checkpoint: its claims place it among the others even when its signature fails (that
   * is reported once, on its line), so one bad checkpoint does not make the rest look wrong too.
   */
  const readCheckpoint = async (line: number, value: unknown) => {
    checkpointLines++
    const parsed = CheckpointLine.safeParse(value)
    if (!parsed.success) return report(line, 'malformed', `not a checkpoint line: ${issueOf(parsed.error)}`)
    const jws = parsed.data.checkpoint
    const [protectedHeader = '', payload = '', signature, ...rest] = jws.split('.')
    if (signature === undefined || rest.length > 0)
      return report(line, 'malformed', 'checkpoint is not a compact JWS')
    const jwsHeader = JwsHeader.safeParse(decodeSegment(protectedHeader))
    if (!jwsHeader.success)
      return report(line, 'malformed', 'checkpoint has no readable JWS header with alg, kid and typ')
    const claims = CheckpointClaims.safeParse(decodeSegment(payload))
    if (!claims.success) return report(line, 'bad-checkpoint', `checkpoint claims: ${issueOf(claims.error)}`)
    const { alg, kid, typ } = jwsHeader.data
    const key = keys.get(kid)
    if (typ !== 'exchange-checkpoint+jwt') report(line, 'bad-checkpoint', `checkpoint has typ ${typ}`)
    else if (key === undefined)
      report(line, 'unknown-key', `checkpoint is signed with key ${kid}, not one of the exchange's`)
    else if (algorithmOf(key) !== alg)
      report(line, 'unknown-key', `checkpoint alg ${alg} does not fit key ${kid}`)
    else {
      checkSignature(line, jws, key)
      if (signatures.length >= signatureBatch) await Promise.all(signatures.splice(0))
    }
    const { iss, treeSize, rootHash } = claims.data
    if (iss !== header?.exchangeId)
      report(line, 'bad-checkpoint', `checkpoint is issued by ${iss}, not ${header?.exchangeId}`)
    if (latest !== undefined && treeSize <= latest.treeSize)
      return report(
        line,
        'checkpoint-order',
        `checkpoint of tree size ${treeSize} comes after one of ${latest.treeSize} (line ${latest.line}): out of order`,
      )
    const checkpoint = { line, treeSize, root: hexBytes(rootHash), rootHash }
    if (treeSize === 0 && !sameBytes(checkpoint.root, emptyRoot()))
      report(line, 'bad-checkpoint', 'checkpoint of the empty tree has a root other than the empty hash')
    checkpoints.push(checkpoint)
    bySize.set(treeSize, checkpoint)
    latest = checkpoint
  }

  const readConsistency = (line: number, value: unknown) => {
    const parsed = ConsistencyLine.safeParse(value)
    if (!parsed.success) return report(line, 'malformed', `not a consistency line: ${issueOf(parsed.error)}`)
    const { from: first, to: second, proof } = parsed.data
    const older = bySize.get(first)
    const newer = bySize.get(second)
    if (older === undefined || newer === undefined || newer !== latest)
      return report(
        line,
        'bad-consistency',
        `consistency proof ${first} → ${second} does not follow the checkpoint of ${second}`,
      )
    const before = checkpoints[checkpoints.length - 2]
    if (before !== older)
      return report(
        line,
        'bad-consistency',
        `consistency proof ${first} → ${second} skips the checkpoint before ${second}`,
      )
    proven.add(second)
    if (first > 0 && !verifyConsistency(first, second, older.root, newer.root, proof.map(hexBytes)))
      report(
        line,
        'inconsistent',
        `consistency proof ${first} → ${second} does not verify: the checkpoint of ${second} (line ${newer.line}) does not extend the one of ${first} (line ${older.line})`,
      )
  }

  /** Ends the checkpoint section: the last checkpoint is the header's, consecutive ones are proven consistent. */
  const closeCheckpoints = (line: number) => {
    phase = 'events'
    const treeSize = header?.treeSize ?? 0
    if (latest === undefined) {
      if (treeSize > 0)
        report(line, 'header-mismatch', `no checkpoint of tree size ${treeSize}, which the header names`)
      return
    }
    if (latest.treeSize !== treeSize)
      report(
        latest.line,
        'header-mismatch',
        `the last checkpoint is of tree size ${latest.treeSize}, the header names ${treeSize}`,
      )
    if (header?.scope !== 'window') return
    checkpoints.forEach((checkpoint, index) => {
      if (index > 0 && !proven.has(checkpoint.treeSize))
        report(
          checkpoint.line,
          'missing-consistency',
          `no consistency proof to the checkpoint of tree size ${checkpoint.treeSize} from the one before`,
        )
    })
  }

  const chainsOf = (event: EventFacts) => (event.caseId === undefined ? participantChains : caseChains)

  /** Moves a chain's new tip over every waiting event that links to it. */
  const drain = (chains: Chains, key: string, tip: string) => {
    const waiting = chains.waiting.size === 0 ? undefined : chains.waiting.get(key)
    if (waiting === undefined) return
    for (let next = waiting.get(tip); next !== undefined; next = waiting.get(next.event.hash)) {
      waiting.delete(next.event.prevHash)
      chains.tips.set(key, next.event.hash)
    }
    if (waiting.size === 0) chains.waiting.delete(key)
  }

  /**
   * Links an event into its chain: it follows the chain's tip, or starts the chain at genesis, or
   * waits for its predecessor (events stamped in the same millisecond may come in any order).
   */
  const link = (line: number, event: EventFacts) => {
    const chains = chainsOf(event)
    const key = event.caseId ?? event.participant
    const tip = chains.tips.get(key)
    if (event.prevHash === (tip ?? genesisHash)) {
      // A new chain's key is kept for the whole run: a copy, not a view of the line.
      chains.tips.set(tip === undefined ? detached(key) : key, event.hash)
      return drain(chains, key, event.hash)
    }
    let waiting = chains.waiting.get(key)
    if (waiting === undefined) {
      waiting = new Map()
      chains.waiting.set(detached(key), waiting)
    }
    const rival = waiting.get(event.prevHash)
    if (rival !== undefined)
      return report(
        line,
        'fork',
        `links to the same predecessor as event ${rival.event.eventId} (line ${rival.line}): the chain forks`,
        event.eventId,
      )
    waiting.set(event.prevHash, { line, event })
  }

  /** Reports the event still waiting for its proof line, if one is. */
  const unprovenLeft = () => {
    if (unproven !== undefined)
      report(
        unproven.line,
        'missing-proof',
        'has no inclusion proof (a window export proves each event)',
        unproven.event.eventId,
      )
    unproven = undefined
  }

  const expectProofFor = (line: number, event: EventFacts) => {
    unprovenLeft()
    unproven = { line, event }
  }

  const inPinnedTree = (line: number, event: EventFacts, what: string) => {
    const treeSize = header?.treeSize ?? 0
    if (event.leafIndex !== undefined && event.leafIndex < treeSize) return true
    report(
      line,
      'not-in-tree',
      `${what} is not in the tree of the export's checkpoint (tree size ${treeSize}, leafIndex ${event.leafIndex ?? 'none'})`,
      event.eventId,
    )
    return false
  }

  /** Reads an event line the exact way: parsed, its shape checked, its JCS form serialised and hashed. */
  const readEvent = (line: number, value: unknown) => {
    const shape = eventLineProblem(value)
    if (shape !== undefined) {
      const eventId = (value as { event?: { eventId?: unknown } } | null)?.event?.eventId
      return report(
        line,
        'malformed',
        `not a valid event line: ${shape}`,
        typeof eventId === 'string' ? eventId : undefined,
      )
    }
    const { event } = value as EventLine
    if (hashOfParsedEvent(event) !== event.hash)
      report(
        line,
        'hash-mismatch',
        'hash does not match the event (altered since it was logged)',
        event.eventId,
      )
    placeEvent(line, factsOf(event))
  }

  /** Checks an event whose hash was checked: its order, window, chain link and leaf. */
  const placeEvent = (line: number, event: EventFacts) => {
    // The order of eventOrderKey (`<at>#<eventId>`), compared without building the key.
    const order =
      event.at < lastAt
        ? -1
        : event.at > lastAt
          ? 1
          : event.eventId < lastEventId
            ? -1
            : event.eventId > lastEventId
              ? 1
              : 0
    if (order <= 0)
      report(
        line,
        order === 0 ? 'duplicate' : 'out-of-order',
        order === 0
          ? `repeats the event on line ${lastLine}`
          : `out of order: comes after event ${lastEventId} (line ${lastLine}), which is later`,
        event.eventId,
      )
    else {
      lastAt = event.at
      lastLine = line
      lastEventId = event.eventId
    }
    if (from !== undefined || to !== undefined) {
      const at = Date.parse(event.at)
      if ((from !== undefined && at < from) || (to !== undefined && at >= to))
        report(line, 'outside-window', `stamped ${event.at}, outside the export's window`, event.eventId)
    }
    link(line, event)
    const sealed = inPinnedTree(line, event, 'event')
    if (header?.scope === 'window') return expectProofFor(line, event)
    if (!sealed || leaves === undefined || leafLines === undefined || event.leafIndex === undefined) return
    const index = event.leafIndex
    const holder = leafLines[index] ?? 0
    if (holder !== 0)
      return report(
        line,
        'duplicate',
        `leafIndex ${index} is also the event on line ${holder}'s`,
        event.eventId,
      )
    leafLines[index] = line
    leaves.write(event.hash, index * 32, 32, 'hex')
  }

  const readProof = (line: number, value: unknown) => {
    const parsed = ProofLine.safeParse(value)
    if (!parsed.success) return report(line, 'malformed', `not a valid proof line: ${issueOf(parsed.error)}`)
    const proof = parsed.data
    const subject = unproven
    unproven = undefined
    if (subject === undefined || subject.event.eventId !== proof.eventId)
      return report(
        line,
        'bad-proof',
        `proof of event ${proof.eventId} does not follow that event`,
        proof.eventId,
      )
    const { event } = subject
    if (proof.leafIndex !== event.leafIndex || proof.treeSize !== header?.treeSize)
      return report(
        line,
        'bad-proof',
        `proof is for leaf ${proof.leafIndex} of tree size ${proof.treeSize}, the event is leaf ${event.leafIndex ?? 'none'} of ${header?.treeSize}`,
        event.eventId,
      )
    proveIncluded(line, event, proof.auditPath)
  }

  const proveIncluded = (line: number, event: EventFacts, auditPath: readonly string[]) => {
    if (latest === undefined || event.leafIndex === undefined) return
    const included = verifyInclusion(
      event.leafIndex,
      latest.treeSize,
      leafHash(hexBytes(event.hash)),
      auditPath.map(hexBytes),
      latest.root,
    )
    if (!included)
      report(
        line,
        'bad-proof',
        `inclusion proof does not verify: the event is not leaf ${event.leafIndex} of the checkpoint on line ${latest.line}`,
        event.eventId,
      )
  }

  /** The event before the window that a chain's first event in it links to, proven in the tree. */
  const readAnchor = (line: number, value: unknown) => {
    const parsed = AnchorLine.safeParse(value)
    if (!parsed.success) return report(line, 'malformed', `not a valid anchor line: ${issueOf(parsed.error)}`)
    const { event: anchor, auditPath } = parsed.data
    const event = factsOf(anchor)
    if (header?.scope !== 'window')
      return report(line, 'bad-anchor', 'anchors belong in window exports', event.eventId)
    if (hashEvent(anchor) !== event.hash)
      report(
        line,
        'hash-mismatch',
        'anchor hash does not match the event (altered since it was logged)',
        event.eventId,
      )
    if (from === undefined || Date.parse(event.at) >= from)
      report(line, 'bad-anchor', `anchor stamped ${event.at} is not before the window`, event.eventId)
    if (inPinnedTree(line, event, 'anchor')) proveIncluded(line, event, auditPath)
    const chains = chainsOf(event)
    const key = event.caseId ?? event.participant
    if (chains.tips.has(key))
      return report(
        line,
        'bad-anchor',
        `anchor of chain ${chainOf(anchor)}, which has started already`,
        event.eventId,
      )
    chains.tips.set(detached(key), event.hash)
    drain(chains, key, event.hash)
  }

  const readEnd = (line: number, value: unknown) => {
    const parsed = EndLine.safeParse(value)
    if (!parsed.success) return report(line, 'malformed', `not a valid end line: ${issueOf(parsed.error)}`)
    phase = 'ended'
    if (parsed.data.events !== events || parsed.data.checkpoints !== checkpointLines)
      report(
        line,
        'count-mismatch',
        `the end line counts ${parsed.data.events} events and ${parsed.data.checkpoints} checkpoints; the export holds ${events} and ${checkpointLines}`,
      )
  }

  /** Rebuilds the tree from all leaves, checking each checkpoint's root as the tree reaches its size. */
  const checkRoots = () => {
    if (leaves === undefined || leafLines === undefined) return
    const treeSize = leafLines.length
    let missing = 0
    for (let index = 0; index < treeSize; index++) {
      if (leafLines[index] !== 0) continue
      missing++
      if (missing <= 20)
        report(0, 'missing-leaf', `leaf ${index} is missing: no event of the export has leafIndex ${index}`)
    }
    if (missing > 20) report(0, 'missing-leaf', `${missing - 20} more leaves are missing`)
    if (missing > 0) return
    // One-shot hashes of reused input buffers, answered as binary strings (V8 copies those into the
    // next input faster than hex): the RFC 9162 hashes merkle.ts computes, at a fraction of the cost.
    const leafInput = Buffer.alloc(33)
    const nodeInput = Buffer.alloc(65)
    nodeInput[0] = 1
    const nodeOf = (left: string, right: string) => {
      nodeInput.write(left, 1, 32, 'binary')
      nodeInput.write(right, 33, 32, 'binary')
      return hash('sha256', nodeInput, 'binary')
    }
    // The roots of the complete subtrees of the leaves so far, largest first, one per 1 bit of their
    // count: leaf n merges as many as n has trailing 1 bits.
    const stack: string[] = []
    let next = 0
    for (const checkpoint of checkpoints) {
      for (; next < checkpoint.treeSize && next < treeSize; next++) {
        leafInput.set(leaves.subarray(next * 32, next * 32 + 32), 1)
        let node = hash('sha256', leafInput, 'binary')
        for (let n = next; n % 2 === 1; n = (n - 1) / 2) node = nodeOf(stack.pop() as string, node)
        stack.push(node)
      }
      if (checkpoint.treeSize === 0) continue
      let root = stack.at(-1)
      for (let i = stack.length - 2; i >= 0 && root !== undefined; i--)
        root = nodeOf(stack[i] as string, root)
      const rootHash = root === undefined ? 'none' : Buffer.from(root, 'binary').toString('hex')
      if (rootHash !== checkpoint.rootHash)
        report(
          checkpoint.line,
          'root-mismatch',
          `checkpoint root ${checkpoint.rootHash} is not the root of the first ${checkpoint.treeSize} events (${rootHash})`,
        )
    }
  }

  const readers: Record<string, (line: number, value: unknown) => void | Promise<void>> = {
    checkpoint: readCheckpoint,
    consistency: readConsistency,
    event: readEvent,
    proof: readProof,
    anchor: readAnchor,
    end: readEnd,
  }

  /** Reads the next line of the export; answers a promise only when the caller must wait (signatures). */
  const line = (text: string): void | Promise<void> => {
    const number = ++lineNumber
    if (phase === 'unreadable') return
    if (phase === 'ended') return report(number, 'malformed', 'comes after the end line')
    // An event line as the exchange writes it is read without JSON.parse; any other line is parsed.
    const event = phase === 'header' ? undefined : readCanonicalEventLine(text)
    let value: unknown
    if (event === undefined) {
      try {
        value = JSON.parse(text)
      } catch {
        return report(number, 'malformed', text.trim() === '' ? 'empty line' : 'not JSON')
      }
      if (phase === 'header') return readHeader(value)
    }
    const type = event === undefined ? (value as { type?: unknown } | null)?.type : 'event'
    const read = typeof type === 'string' ? readers[type] : undefined
    if (read === undefined) return report(number, 'malformed', `unknown line type ${JSON.stringify(type)}`)
    const inCheckpoints = type === 'checkpoint' || type === 'consistency'
    if (inCheckpoints && phase !== 'checkpoints')
      return report(number, 'malformed', `${type} line after the events began; checkpoints come first`)
    if (!inCheckpoints && phase === 'checkpoints') closeCheckpoints(number)
    if (type !== 'proof') unprovenLeft()
    if (type === 'event') events++
    try {
      return event === undefined ? read(number, value) : placeEvent(number, event)
    } catch (error) {
      // Members nested deeper than the stack can follow (a crafted line) end that line, not the check.
      if (error instanceof RangeError) return report(number, 'malformed', 'nested too deeply to check')
      throw error
    }
  }

  /** Finishes: what no single line shows (missing leaves, roots, dangling links, a missing end). */
  const finish = async (): Promise<ExportVerification> => {
    await Promise.all(signatures.splice(0))
    if (phase === 'header') report(0, 'truncated', 'the export is empty')
    else if (phase !== 'unreadable') {
      if (phase === 'checkpoints') closeCheckpoints(lineNumber + 1)
      unprovenLeft()
      if (phase !== 'ended') report(0, 'truncated', 'the export is cut off: it has no end line')
      const waiting = [
        ...[...caseChains.waiting].map(([caseId, events]) => [`case#${caseId}`, events] as const),
        ...[...participantChains.waiting].map(
          ([participant, events]) => [`participant#${participant}`, events] as const,
        ),
      ]
      for (const [chain, events] of waiting) {
        for (const { line, event } of events.values())
          report(
            line,
            'broken-link',
            `does not link into chain ${chain}: the event it names as its predecessor (hash ${event.prevHash}) is ` +
              `not in the export${header?.scope === 'window' ? ' nor anchored before the window' : ''}, or is followed by another event already`,
            event.eventId,
          )
      }
      checkRoots()
    }
    problems.sort((a, b) => a.line - b.line)
    return {
      valid: problems.length === 0 && unlisted === 0,
      ...(header === undefined
        ? {}
        : {
            exchangeId: header.exchangeId,
            scope: header.scope,
            exportedAt: header.exportedAt,
            ...(header.from === undefined ? {} : { from: header.from }),
            ...(header.to === undefined ? {} : { to: header.to }),
          }),
      treeSize: header?.treeSize ?? 0,
      ...(latest === undefined ? {} : { rootHash: latest.rootHash }),
      events,
      checkpoints: checkpoints.length,
      keys: [...keys.keys()],
      lines: lineNumber,
      problems,
      unlisted,
    }
  }

  return { line, finish }
}

/**
 * Verifies a whole export given as lines: one by one, or in batches of lines (a stream split into
 * lines a chunk at a time, which spares a promise per line).
 */
export const verifyExport = async (
  deps: VerifyExportDeps,
  lines: Iterable<string | readonly string[]> | AsyncIterable<string | readonly string[]>,
): Promise<ExportVerification> => {
  const verifier = createExportVerifier(deps)
  for await (const chunk of lines) {
    if (typeof chunk === 'string') await verifier.line(chunk)
    else
      for (const text of chunk) {
        const waiting = verifier.line(text)
        if (waiting !== undefined) await waiting
      }
  }
  return verifier.finish()
}
