import { ReusePortUnsupportedError } from '../errors.js'

/**
 * Whether `server.listen({ reusePort })` works here: Node added it in 22.12 and 23.1, and only
 * Linux (among the platforms Node's docs list, the one we support) shares a port between sockets
 * with the kernel balancing connections across them.
 * @param version - a Node version string, e.g. `v22.12.0`
 * @param platform - `process.platform`
 * @returns true when supported
 */
export function supportsReusePort(version: string, platform: string): boolean {
  if (platform !== 'linux') return false
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number)
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12)
}

/**
 * @throws ReusePortUnsupportedError naming this Node version and platform, when they cannot share a port
 */
export function assertReusePort(version = process.version, platform: string = process.platform): void {
  if (!supportsReusePort(version, platform)) throw new ReusePortUnsupportedError(version, platform)
}
