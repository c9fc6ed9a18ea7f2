import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Whether `redis-server` is on the PATH. */
export const HAS_REDIS_SERVER = spawnSync('redis-server', ['--version']).status === 0

/**
 * A throwaway `redis-server` on a free loopback port, in a temporary directory, with nothing
 * saved to disk.
 *
 * @example
 * ```ts
 * const redis = await RedisServer.start()
 * const store = await redisStore({ url: redis.url })
 * await redis.stop()
 * ```
 */
export class RedisServer {
  readonly #process: ChildProcess
  readonly #dir: string
  /** Its port on 127.0.0.1. */
  readonly port: number

  private constructor(process: ChildProcess, dir: string, port: number) {
    this.#process = process
    this.#dir = dir
    this.port = port
  }

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  /** Starts one and resolves once it accepts connections. */
  static async start(): Promise<RedisServer> {
    const probe = createServer().listen(0, '127.0.0.1')
    await once(probe, 'listening')
    const { port } = probe.address() as AddressInfo
    await new Promise((resolve) => probe.close(resolve))
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-redis-'))
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes('Ready to accept connections')) resolve()
      })
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)))
    })
    child.stdout!.resume()
    return new RedisServer(child, dir, port)
  }

  /** Stops it and removes its directory. */
  async stop(): Promise<void> {
    if (this.#process.exitCode === null && this.#process.signalCode === null) {
      this.#process.kill('SIGTERM')
      await once(this.#process, 'exit')
    }
    rmSync(this.#dir, { recursive: true, force: true })
  }
}
