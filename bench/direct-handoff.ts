import { createHash, randomUUID } from 'node:crypto'
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import {
  inboxCaseSort,
  inboxMessageSort,
  inboxPosition,
  keys,
  partyKey,
} from '#functions/adapters/dynamodb-keys.js'
import { uuidV7 } from '#functions/adapters/uuid-v7.js'
import type { Config } from '#functions/config.js'
import { caseIdOf } from '#shared/cases/submit-case.js'
import { maxSeq } from '#shared/inbox/lease.js'
import { packageIdOf } from '#shared/packages/sealed-package.js'
import type { LocalDocument } from '../client/exchange-session.js'
import type { HandoffSetting, Step, StepTimer } from './handoff.js'
import type { StoreCall } from './store-calls.js'

type Item = Record<string, AttributeValue>

/**
 * What the baseline copies from a recorded exchange cycle: each step's transactions as sent (their
 * items give the attribute sets and document sizes), and the `package.json` bodies written.
 */
export type Calibration = {
  transactions: Map<Step, TransactWriteItem[][]>
  packageJson: Map<Step, Uint8Array>
}

/** The transactions and package bodies of one recorded exchange cycle. */
export const calibrationOf = (calls: readonly StoreCall[]): Calibration => {
  const transactions = new Map<Step, TransactWriteItem[][]>()
  const packageJson = new Map<Step, Uint8Array>()
  for (const call of calls) {
    const step = call.step as Step
    if (call.operation === 'TransactWriteItems' && Array.isArray(call.input.TransactItems)) {
      transactions.set(step, [
        ...(transactions.get(step) ?? []),
        call.input.TransactItems as TransactWriteItem[],
      ])
    }
    if (call.store === 's3' && call.operation === 'PutObject' && call.input.Body instanceof Uint8Array) {
      packageJson.set(step, call.input.Body)
    }
  }
  return { transactions, packageJson }
}

/** The clients and names the baseline talks to: the same DynamoDB Local and s3rver as the exchange. */
export type DirectStores = { dynamodb: DynamoDBClient; s3: S3Client; settings: Config }

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest()

/** The attributes of item `index` of transaction `tx` of `step` as the exchange wrote it. */
const template = (calibration: Calibration, step: Step, tx: number, index: number): Item => {
  const item = calibration.transactions.get(step)?.[tx]?.[index]?.Put?.Item
  if (item === undefined)
    throw new Error(`the calibration has no item ${index} in transaction ${tx} of ${step}`)
  return item
}

const notExists = { ConditionExpression: 'attribute_not_exists(pk)' }

/**
 * The baseline of the handoff benchmark: the store calls one exchange cycle makes, counted from a
 * recorded cycle, made directly with the SDK against the same DynamoDB Local and s3rver, with the
 * same key shapes, conditions, consistency, projections and concurrency, items of the same
 * attributes and sizes (copied from the recorded transactions), and the same SHA-256 work on the
 * documents. What it leaves out is the exchange: HTTP, tokens, validation, signing, encryption and
 * the use cases' logic. Each API request's authorizer reads (GetItem participant, PutItem nonce)
 * are made here too, as `authorize`.
 */
export const directCycle = async (
  stores: DirectStores,
  calibration: Calibration,
  setting: HandoffSetting,
  documents: readonly LocalDocument[],
  timed: StepTimer,
) => {
  const { dynamodb, s3, settings } = stores
  const state = settings.STATE_TABLE
  const audit = settings.AUDIT_TABLE
  const inbox = settings.INBOX_TABLE
  const get = async (TableName: string, Key: Item, projection?: string) =>
    (
      await dynamodb.send(
        new GetItemCommand({
          TableName,
          Key,
          ConsistentRead: true,
          ...(projection === undefined
            ? {}
            : { ProjectionExpression: '#p', ExpressionAttributeNames: { '#p': projection } }),
        }),
      )
    ).Item
  const authorize = async (participant: string) => {
    await get(state, keys.record('participant', participant))
    await dynamodb.send(
      new PutItemCommand({
        TableName: settings.NONCE_TABLE,
        Item: {
          pk: { S: `${participant}#${randomUUID()}` },
          expiresAt: { N: String(Math.ceil(Date.now() / 1000) + 90) },
        },
        ...notExists,
      }),
    )
  }
  /** A chain's head read, and the event and head items that append one event to it. */
  const appendTo = async (chain: string, event: Item) => {
    const head = await get(audit, keys.chainHead(chain))
    const previous = Number(head?.seq?.N ?? 0)
    const seq = previous + 1
    const hash = createHash('sha256').update(`${chain}#${seq}`).digest('hex')
    // An event of its own in the indexes that key events by id and time, where the template has them.
    const eventId = uuidV7()
    const indexed: Item = {
      ...(event.eventId === undefined ? {} : { eventId: { S: eventId } }),
      ...(event.atKey === undefined ? {} : { atKey: { S: `${new Date().toISOString()}#${eventId}` } }),
    }
    return [
      { Put: { TableName: audit, Item: { ...event, ...indexed, ...keys.event(chain, seq) }, ...notExists } },
      {
        Put: {
          TableName: audit,
          Item: { ...keys.chainHead(chain), seq: { N: String(seq) }, hash: { S: hash } },
          ...(previous === 0
            ? notExists
            : {
                ConditionExpression: 'seq = :previous',
                ExpressionAttributeValues: { ':previous': { N: String(previous) } },
              }),
        },
      },
    ] satisfies TransactWriteItem[]
  }
  type Order = { nextSeq: number; pending: number } | undefined
  const orderOf = async (recipient: string, caseId: string): Promise<Order> => {
    const item = await get(inbox, keys.inboxOrder(recipient, caseId))
    return item?.nextSeq?.N === undefined
      ? undefined
      : { nextSeq: Number(item.nextSeq.N), pending: Number(item.pending?.N) }
  }
  const orderItems = (
    recipient: string,
    caseId: string,
    from: Order,
    to: { nextSeq: number; pending: number },
  ) => ({
    Put: {
      TableName: inbox,
      Item: {
        ...keys.inboxOrder(recipient, caseId),
        nextSeq: { N: String(to.nextSeq) },
        pending: { N: String(to.pending) },
      },
      ...(from === undefined
        ? notExists
        : {
            ConditionExpression: '#nextSeq = :nextSeq AND #pending = :pending',
            ExpressionAttributeNames: { '#nextSeq': 'nextSeq', '#pending': 'pending' },
            ExpressionAttributeValues: {
              ':nextSeq': { N: String(from.nextSeq) },
              ':pending': { N: String(from.pending) },
            },
          }),
    },
  })
  /** A message to `recipient` about the case, behind what of the case waits there, and the order's move. */
  const enqueueItems = (
    recipient: string,
    caseId: string,
    order: Order,
    message: Item,
  ): TransactWriteItem[] => {
    const at = order ?? { nextSeq: 1, pending: 0 }
    const { queue: _queue, visibleAt: _visibleAt, ...rest } = message
    return [
      {
        Put: {
          TableName: inbox,
          Item: {
            ...rest,
            ...keys.inboxMessage(recipient, caseId, at.nextSeq),
            ...(at.pending === 0 ? { queue: { S: recipient }, visibleAt: { N: String(Date.now()) } } : {}),
          },
          ...notExists,
        },
      },
      orderItems(recipient, caseId, order, { nextSeq: at.nextSeq + 1, pending: at.pending + 1 }),
    ]
  }
  const transact = (items: TransactWriteItem[]) =>
    dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }))
  const caseItems = (caseId: string) =>
    dynamodb.send(
      new QueryCommand({
        TableName: state,
        KeyConditionExpression: 'pk = :pk AND sk <= :last',
        ExpressionAttributeValues: { ':pk': { S: `case#${caseId}` }, ':last': { S: 'leg#\uffff' } },
        ConsistentRead: true,
      }),
    )
  const putLeg = (
    caseId: string,
    version: number,
    createdAt: string,
    item: Item,
    deadline: boolean,
  ): TransactWriteItem => ({
    Put: {
      TableName: state,
      Item: {
        ...item,
        ...keys.leg(caseId, setting.home),
        version: { N: String(version) },
        party: { S: partyKey('home', setting.home) },
        partySort: { S: `${createdAt}#${caseId}` },
        ...(deadline ? { deadlineSort: { S: `${createdAt}#${caseId}#${setting.home}` } } : {}),
      },
      ...(version === 1
        ? notExists
        : {
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': { N: String(version - 1) } },
          }),
    },
  })
  /** Announces uploads (records and an audit event) and stores their bytes, as `POST /v1/uploads` and the PUTs do. */
  const upload = async (step: Step, owner: string, files: readonly LocalDocument[]) => {
    const digests = files.map((file) => sha256(file.bytes))
    await authorize(owner)
    const ids = files.map(() => randomUUID())
    const events = await appendTo(`participant#${owner}`, template(calibration, step, 0, files.length))
    await transact([
      ...ids.map((id, index) => ({
        Put: {
          TableName: state,
          Item: { ...template(calibration, step, 0, index), ...keys.upload(id), owner: { S: owner } },
          ...notExists,
        },
      })),
      ...events,
    ])
    await Promise.all(
      files.map((file, index) =>
        s3.send(
          new PutObjectCommand({
            Bucket: settings.STAGING_BUCKET,
            Key: `uploads/${ids[index]}`,
            Body: file.bytes,
            ContentType: file.contentType,
            ContentLength: file.bytes.length,
            ChecksumSHA256: digests[index]?.toString('base64'),
          }),
        ),
      ),
    )
    return ids.map((id, index) => ({ id, sha256: digests[index]?.toString('hex') ?? '' }))
  }
  /** Reads and hashes each staged document, copies it into the sealed bucket and writes package.json. */
  const seal = async (step: Step, caseId: string, uploads: readonly { id: string; sha256: string }[]) => {
    const body = calibration.packageJson.get(step)
    if (body === undefined) throw new Error(`the calibration wrote no package.json in ${step}`)
    const packageId = packageIdOf(caseId, randomUUID())
    const staged = await Promise.all(
      uploads.map(async (uploaded) => {
        await get(state, keys.upload(uploaded.id))
        const object = await s3.send(
          new GetObjectCommand({ Bucket: settings.STAGING_BUCKET, Key: `uploads/${uploaded.id}` }),
        )
        const hash = createHash('sha256')
        for await (const chunk of (object.Body ?? []) as AsyncIterable<Uint8Array>) hash.update(chunk)
        if (hash.digest('hex') !== uploaded.sha256) throw new Error('a staged document does not match')
        return object.ETag ?? ''
      }),
    )
    await Promise.all(
      uploads.map((uploaded, index) =>
        s3.send(
          new CopyObjectCommand({
            Bucket: settings.SEALED_BUCKET,
            Key: `packages/${caseId}/${packageId}/${uploaded.id}`,
            CopySource: `${settings.STAGING_BUCKET}/uploads/${uploaded.id}`,
            CopySourceIfMatch: staged[index],
            MetadataDirective: 'COPY',
            ChecksumAlgorithm: 'SHA256',
          }),
        ),
      ),
    )
    await s3.send(
      new PutObjectCommand({
        Bucket: settings.SEALED_BUCKET,
        Key: `packages/${caseId}/${packageId}/package.json`,
        Body: body,
        ContentType: 'application/json',
        ChecksumAlgorithm: 'SHA256',
      }),
    )
    return packageId
  }

  const uploads = await timed('upload', () => upload('upload', setting.accepting, documents))
  const acceptingRef = `ref-${randomUUID().slice(0, 8)}`
  const caseId = caseIdOf(setting.accepting, acceptingRef)
  const createdAt = new Date().toISOString()
  const packageId = await timed('submit', async () => {
    await authorize(setting.accepting)
    await get(state, keys.reference(setting.accepting, acceptingRef))
    await get(state, keys.record('item', setting.itemCode))
    await get(state, keys.record('participant', setting.home))
    const { Items: agreements = [] } = await dynamodb.send(
      new QueryCommand({
        TableName: state,
        KeyConditionExpression: 'pk = :namespace',
        ExpressionAttributeValues: { ':namespace': { S: `agreements-of#${setting.accepting}` } },
        ConsistentRead: true,
      }),
    )
    for (const agreement of agreements) await get(state, keys.record('agreement', agreement.sk?.S ?? ''))
    await get(state, keys.record('participant', setting.accepting))
    const sealed = await seal('submit', caseId, uploads)
    const order = await orderOf(setting.home, caseId)
    const events = await appendTo(`case#${caseId}`, template(calibration, 'submit', 0, 5))
    await transact([
      {
        Put: {
          TableName: state,
          Item: {
            ...template(calibration, 'submit', 0, 0),
            ...keys.case(caseId),
            party: { S: partyKey('accepting', setting.accepting) },
            partySort: { S: `${createdAt}#${caseId}` },
          },
          ...notExists,
        },
      },
      putLeg(caseId, 1, createdAt, template(calibration, 'submit', 0, 1), false),
      {
        Put: {
          TableName: state,
          Item: {
            ...template(calibration, 'submit', 0, 2),
            ...keys.reference(setting.accepting, acceptingRef),
            caseId: { S: caseId },
          },
          ...notExists,
        },
      },
      {
        Put: {
          TableName: state,
          Item: { ...template(calibration, 'submit', 0, 3), ...keys.package(caseId, sealed) },
          ...notExists,
        },
      },
      ...events,
      ...enqueueItems(setting.home, caseId, order, template(calibration, 'submit', 0, 4)),
    ])
    return sealed
  })
  const leases = await timed('pull', async () => {
    await authorize(setting.home)
    const now = Date.now()
    const { Items = [] } = await dynamodb.send(
      new QueryCommand({
        TableName: inbox,
        IndexName: 'pullable',
        KeyConditionExpression: '#queue = :recipient AND #visibleAt <= :now',
        ExpressionAttributeNames: { '#queue': 'queue', '#visibleAt': 'visibleAt', '#sk': 'sk' },
        ExpressionAttributeValues: { ':recipient': { S: setting.home }, ':now': { N: String(now) } },
        ProjectionExpression: '#sk, #visibleAt',
        Limit: 20,
      }),
    )
    return Promise.all(
      Items.map(async (item) => {
        const position = inboxPosition(item.sk?.S ?? '')
        const token = randomUUID()
        await dynamodb.send(
          new UpdateItemCommand({
            TableName: inbox,
            Key: keys.inboxMessage(setting.home, position.caseId, position.seq),
            ConditionExpression: '#visibleAt = :seen',
            UpdateExpression: 'SET #visibleAt = :until, #lease = :token ADD #deliveryCount :one',
            ExpressionAttributeNames: {
              '#visibleAt': 'visibleAt',
              '#lease': 'lease',
              '#deliveryCount': 'deliveryCount',
            },
            ExpressionAttributeValues: {
              ':seen': { N: item.visibleAt?.N ?? '0' },
              ':until': { N: String(now + 60_000) },
              ':token': { S: token },
              ':one': { N: '1' },
            },
            ReturnValues: 'ALL_NEW',
          }),
        )
        return { ...position, token }
      }),
    )
  })
  if (!leases.some((lease) => lease.caseId === caseId))
    throw new Error(`the baseline's pull did not bring ${caseId}`)
  await timed('download', async () => {
    await authorize(setting.home)
    await get(state, keys.case(caseId), 'doc')
    await get(state, keys.package(caseId, packageId))
    await transact(await appendTo(`case#${caseId}`, template(calibration, 'download', 0, 0)))
    await Promise.all(
      uploads.map(async (uploaded) => {
        const object = await s3.send(
          new GetObjectCommand({
            Bucket: settings.SEALED_BUCKET,
            Key: `packages/${caseId}/${packageId}/${uploaded.id}`,
          }),
        )
        const bytes = await object.Body?.transformToByteArray()
        if (bytes === undefined || sha256(bytes).toString('hex') !== uploaded.sha256) {
          throw new Error('a downloaded document does not match')
        }
      }),
    )
  })
  await timed('ack', async () => {
    await authorize(setting.home)
    await Promise.all(
      leases.map(async (lease) => {
        const { Items = [] } = await dynamodb.send(
          new QueryCommand({
            TableName: inbox,
            KeyConditionExpression: 'pk = :recipient AND sk BETWEEN :order AND :last',
            ExpressionAttributeValues: {
              ':recipient': { S: setting.home },
              ':order': { S: inboxCaseSort(lease.caseId) },
              ':last': { S: inboxMessageSort(lease.caseId, maxSeq) },
            },
            ConsistentRead: true,
            Limit: 2,
          }),
        )
        const order = { nextSeq: Number(Items[0]?.nextSeq?.N), pending: Number(Items[0]?.pending?.N) }
        const events = await appendTo(`case#${lease.caseId}`, template(calibration, 'ack', 0, 2))
        await transact([
          {
            Delete: {
              TableName: inbox,
              Key: keys.inboxMessage(setting.home, lease.caseId, lease.seq),
              ConditionExpression: '#lease = :lease',
              ExpressionAttributeNames: { '#lease': 'lease' },
              ExpressionAttributeValues: { ':lease': { S: lease.token } },
            },
          },
          orderItems(setting.home, lease.caseId, order, {
            nextSeq: order.nextSeq,
            pending: order.pending - 1,
          }),
          ...events,
        ])
      }),
    )
  })
  await timed('accept', async () => {
    await authorize(setting.home)
    await caseItems(caseId)
    await get(state, keys.record('item', setting.itemCode))
    const year = String(new Date().getFullYear())
    await get(state, keys.record('calendar', year))
    await get(state, keys.record('calendar', year))
    const order = await orderOf(setting.accepting, caseId)
    const events = await appendTo(`case#${caseId}`, template(calibration, 'accept', 0, 2))
    await transact([
      putLeg(caseId, 2, createdAt, template(calibration, 'accept', 0, 0), true),
      ...events,
      ...enqueueItems(setting.accepting, caseId, order, template(calibration, 'accept', 0, 1)),
    ])
  })
  await timed('approve', async () => {
    const [result] = await upload('approve', setting.home, [
      {
        name: 'decision.pdf',
        contentType: 'application/pdf',
        bytes: documents[0]?.bytes.subarray(0, 2048) ?? new Uint8Array(2048),
      },
    ])
    if (result === undefined) throw new Error('no result upload')
    await authorize(setting.home)
    await caseItems(caseId)
    await get(state, keys.record('participant', setting.home))
    const resultPackage = await seal('approve', caseId, [result])
    const order = await orderOf(setting.accepting, caseId)
    const events = await appendTo(`case#${caseId}`, template(calibration, 'approve', 1, 3))
    await transact([
      {
        Put: {
          TableName: state,
          Item: { ...template(calibration, 'approve', 1, 0), ...keys.package(caseId, resultPackage) },
          ...notExists,
        },
      },
      putLeg(caseId, 3, createdAt, template(calibration, 'approve', 1, 1), false),
      ...events,
      ...enqueueItems(setting.accepting, caseId, order, template(calibration, 'approve', 1, 2)),
    ])
  })
  await timed('deliver', async () => {
    await authorize(setting.accepting)
    await caseItems(caseId)
    const order = await orderOf(setting.home, caseId)
    const events = await appendTo(`case#${caseId}`, template(calibration, 'deliver', 0, 2))
    await transact([
      putLeg(caseId, 4, createdAt, template(calibration, 'deliver', 0, 0), false),
      ...events,
      ...enqueueItems(setting.home, caseId, order, template(calibration, 'deliver', 0, 1)),
    ])
  })
}
