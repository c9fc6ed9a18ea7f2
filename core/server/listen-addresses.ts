import { createServer as createNetServer, type Server as NetServer, type AddressInfo } from 'node:net'

// `localhost` is the loopback interface by definition (RFC 6761 §6.3), and clients differ in the
// address they try for it: many take what the resolver answers first (`::1` where /etc/hosts
// lists it first, 127.0.0.1 where it lists only that), browsers try both. Node's
// `listen('localhost')` binds one address alone, so some of those clients would be refused: the
// server binds both loopback addresses instead.
const LOOPBACK = ['127.0.0.1', '::1'] as const

// A loopback address the machine does not have (no IPv6, or no IPv4): skipped while another binds.
const MISSING_ADDRESS = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT'])

// With port 0, the port picked on the first address may be taken on the next: pick again, a few times.
const PORT_ZERO_ATTEMPTS = 5

/**
 * The addresses `listen()` binds for a `host` option.
 *
 * @param host - the option as given
 * @returns `127.0.0.1` and `::1` for `localhost` (any case); otherwise the host alone, which Node
 *   binds as it always does (no host: every interface, IPv4 and IPv6 through one dual-stack socket
 *   on `::`; a name: the one address it resolves to first)
 */
export function listenAddresses(host: string | undefined): readonly (string | undefined)[] {
  return host !== undefined && host.toLowerCase() === 'localhost' ? LOOPBACK : [host]
}

/**
 * Binds `primary` on the first of the addresses it can, and one more listener per further address
 * on the same port, which hands each connection it accepts to `primary` (`'connection'` is the
 * event a net or TLS server serves a socket from), so every address is served alike. Of several
 * addresses, one the machine does not have is skipped, as long as another binds.
 *
 * @param primary - the server whose connection handler serves every address
 * @param port - the port, 0 for a free one (the same on every address)
 * @param addresses - from {@link listenAddresses}
 * @param reusePort - bind with `SO_REUSEPORT` (and `exclusive`, see the caller)
 * @returns the further listeners, listening; the caller closes them with `primary`
 * @throws the system's error (e.g. `EADDRINUSE`) for an address that cannot be bound, after
 *   releasing every address bound so far
 */
export async function bindEach(
  primary: NetServer,
  port: number,
  addresses: readonly (string | undefined)[],
  reusePort: boolean,
): Promise<NetServer[]> {
  for (let attempt = 1; ; attempt++) {
    const bound: NetServer[] = []
    try {
      let chosen = port
      let missing: unknown
      for (const address of addresses) {
        const server = bound.length === 0 ? primary : forwarder(primary)
        try {
          await bind(server, chosen, address, reusePort)
        } catch (err) {
          if (addresses.length > 1 && MISSING_ADDRESS.has((err as NodeJS.ErrnoException).code ?? '')) {
            missing = err
            continue
          }
          throw err
        }
        bound.push(server)
        chosen = (server.address() as AddressInfo).port
      }
      if (bound.length === 0) throw missing
      return bound.slice(1)
    } catch (err) {
      await Promise.all(bound.map(stopAccepting))
      const retry = port === 0 && bound.length > 0 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE'
      if (!retry || attempt === PORT_ZERO_ATTEMPTS) throw err
    }
  }
}

/** A listener that serves nothing itself: each socket it accepts goes to `primary`. */
function forwarder(primary: NetServer): NetServer {
  // Half-open as the primary's sockets are (http-server.ts).
  return createNetServer({ noDelay: true, allowHalfOpen: true }, (socket) => primary.emit('connection', socket))
}

function bind(server: NetServer, port: number, host: string | undefined, reusePort: boolean): Promise<void> {
  // `reusePort` is Node 22.12+; a cluster worker then binds its own socket (`exclusive`) rather
  // than share the primary's.
  const listenOptions: { port: number; host?: string; reusePort?: boolean; exclusive?: boolean } = reusePort
    ? { port, host, reusePort, exclusive: true }
    : { port, host }
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(listenOptions, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/**
 * Stops accepting; resolves once the server's connections have ended.
 * @param server - a listening server
 */
export function stopAccepting(server: NetServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}
