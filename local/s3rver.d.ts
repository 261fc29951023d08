declare module 's3rver' {
  /** The part of s3rver's API the local stack uses. */
  export default class S3rver {
    constructor(options: { address: string; port: number; directory: string; silent: boolean })
    run(): Promise<{ address: string; port: number }>
  }
}
