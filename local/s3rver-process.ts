/**
 * Runs s3rver as a child process: it needs `node --openssl-legacy-provider`, which the exchange's
 * own process should not run with. Prints `{"port":N}` once listening; exits with its parent.
 */
import S3rver from 's3rver'

const [directory] = process.argv.slice(2)
if (directory === undefined) throw new Error('usage: s3rver-process <directory>')

const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true })
const { port } = await server.run()
process.stdout.on('error', () => process.exit(0))
process.stdout.write(`${JSON.stringify({ port })}\n`)
process.on('disconnect', () => process.exit(0))
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
