/**
 * `gatehouse/transports`: the Transport interface and the built-in kinds, usable alone.
 *
 * @packageDocumentation
 */
/** Transports: the interface and the three built-in kinds. */
export type { Transport, ReadableListener, TextEncoding, TlsDetails, PeerCertificate } from './transport.js'
export { PlainTransport } from './plain-transport.js'
export { TlsTransport } from './tls-transport.js'
export { MemoryTransport } from './memory-transport.js'
export type { MemoryTransportOptions, MemoryInput, MemoryCloseReason } from './memory-transport.js'
/** HAProxy's PROXY protocol (v1 and v2) as a wrapper: the header read off before the Session starts. */
export { ProxyProtocolTransport } from './proxy-protocol-transport.js'
export type { ProxyProtocolOptions } from './proxy-protocol-transport.js'
export { parseProxyHeader } from './proxy-header.js'
export type { ProxyHeader, ProxyTlv, ProxyHeaderParse } from './proxy-header.js'
export type { PlainTransportOptions } from './plain-transport.js'
export type { TlsTransportOptions } from './tls-transport.js'
export {
  TransportError,
  InvalidTransportOptionError,
  ConcurrentReadError,
  InputEndedError,
  OutputNotReachedError,
} from './errors.js'
export type { TransportErrorCode } from './errors.js'
/** A Node Duplex over any Transport, for protocols taken over after an upgrade. */
export { transportDuplex } from './transport-duplex.js'
