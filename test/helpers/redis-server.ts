import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer, type AddressInfo } from 'node:net'
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
  #process: ChildProcess
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
    return new RedisServer(await launch(port, dir), dir, port)
  }

  /**
   * Stops it as an outage would (its clients see the connection drop), keeping its data on disk:
   * `SHUTDOWN SAVE` writes the records to its directory.
   */
  async kill(): Promise<void> {
    const exited = once(this.#process, 'exit')
    const socket = connect(this.port, '127.0.0.1')
    socket.on('error', () => undefined)
    socket.end('SHUTDOWN SAVE\r\n')
    await exited
  }

  /** Starts it again after `kill()`, on the same port and directory, with the data it saved. */
  async restart(): Promise<void> {
    this.#process = await launch(this.port, this.#dir)
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

async function launch(port: number, dir: string): Promise<ChildProcess> {
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
  return child
}
