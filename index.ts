/** The application: routes, middleware, hooks; `serve`, `inject`, `listen`. */
export { App } from './core/app/app.js'
/** The listening server returned by `app.listen()`. */
export { HttpServer } from './core/server/http-server.js'
export type { ListenOptions } from './core/server/http-server.js'
/** One connection's loop, for custom servers that accept connections themselves. */
export { Session } from './core/session/session.js'
/** Request and response objects handed to handlers. */
export { Request } from './core/request/request.js'
export { Response } from './core/response/response.js'
export type { Handler, Next, ErrorHook } from './core/route/handler.js'
export type { RouteOptions } from './core/route/route-entry.js'
export type { InjectRequest, InjectResponse } from './core/app/inject.js'
export type { ParsedResponse } from './core/wire/response-parser.js'
/** Configuration: types, defaults, validation, loading from JSON. */
export { resolveConfig, loadConfig, DEFAULT_CONFIG } from './core/config/config.js'
export type { Config, UserConfig, Limits, Timeouts, WafConfig } from './core/config/config.js'
export type { TlsConfig, SniCertificateConfig } from './core/config/tls-config.js'
/** Core errors: each has a stable `code` and the HTTP `status` it maps to. */
export {
  GatehouseError,
  InvalidConfigError,
  UnknownConfigKeyError,
  MalformedRequestError,
  HeadTooLargeError,
  TooManyHeadersError,
  TargetTooLongError,
  BodyTooLargeError,
  VersionNotSupportedError,
  ExpectationFailedError,
  RequestTimeoutError,
  InvalidJsonBodyError,
  ResponseAlreadySentError,
  InvalidStatusError,
  InvalidHeaderError,
  ContentLengthMismatchError,
  ServerNotListeningError,
  NoResponseError,
  RequestAbortedError,
  UpgradeNotRequestedError,
  AlreadyDetachedError,
  DetachWhileReadingError,
} from './core/errors.js'
export type { CoreErrorCode } from './core/errors.js'
/** Transports: the interface and the three built-in kinds. */
export type { Transport, ReadableListener, TextEncoding, TlsDetails, PeerCertificate } from './transports/transport.js'
export { PlainTransport } from './transports/plain-transport.js'
export { TlsTransport } from './transports/tls-transport.js'
export { MemoryTransport } from './transports/memory-transport.js'
export type { MemoryTransportOptions, MemoryInput, MemoryCloseReason } from './transports/memory-transport.js'
export type { PlainTransportOptions } from './transports/plain-transport.js'
export type { TlsTransportOptions } from './transports/tls-transport.js'
export {
  TransportError,
  InvalidTransportOptionError,
  ConcurrentReadError,
  InputEndedError,
  OutputNotReachedError,
} from './transports/errors.js'
export type { TransportErrorCode } from './transports/errors.js'
/** Certificates: loading, the development certificate, inspection and verification. */
export { ensureDevCertificate } from './certs/dev-certificate.js'
export type { DevCertificate, DevCertificateOptions } from './certs/dev-certificate.js'
export { inspectCertificate, verifyCertificate } from './certs/inspect-certificate.js'
export type { CertificateInfo, CertificateReport, VerifyCertificateOptions } from './certs/inspect-certificate.js'
export { loadPem } from './certs/load-pem.js'
export {
  CertificateError,
  CertificateUnreadableError,
  CertificateExpiredError,
  CertificateNotYetValidError,
  CertificateKeyMismatchError,
  CertificateNameMismatchError,
} from './certs/errors.js'
export type { CertificateErrorCode } from './certs/errors.js'
/** A Node Duplex over any Transport, for protocols taken over after an upgrade. */
export { transportDuplex } from './transports/transport-duplex.js'
/** The connection API: connection data and hooks, detaching, raw and constant responses, streamed bodies. */
export { Connection } from './core/request/connection.js'
export type { CloseReason, DetachedConnection } from './core/request/connection.js'
export { ResponseBuilder } from './core/response/response-builder.js'
export { BodyStream } from './core/request/body-stream.js'
export type { ConstantResponseInit } from './core/response/constant-response.js'
export type { StreamSource } from './core/response/stream-source.js'
export type { FileOptions } from './core/response/file-response.js'
/** The router, usable alone. */
export { Router } from './router/router.js'
export type { RouterOptions } from './router/router.js'
export type { RouteMatch, Params } from './router/route-match.js'
export type { RouteParams } from './router/route-params.js'
export {
  RouteDuplicateError,
  RouteParamConflictError,
  RouteInvalidPatternError,
  RouteInvalidMethodError,
  RouterInvalidOptionError,
} from './router/errors.js'
export type { RouterErrorCode } from './router/errors.js'
/** The server side of HTTPS, for custom servers: checked certificates, SNI, reloading. */
export { validateTlsConfig } from './core/config/tls-config.js'
export { createTlsSetup } from './core/server/tls-setup.js'
export type { TlsSetup, TlsSetupHooks } from './core/server/tls-setup.js'
/** The WAF, usable alone: request checks, their modes, custom rules and findings. */
export { Waf } from './waf/waf.js'
export type { WafMode, WafRequestHead, WafOptions } from './waf/waf.js'
export type { WafVerdict, WafEvent, WafCategory } from './waf/verdict.js'
export type { CustomRule, RulePlace } from './waf/rule.js'
export { WafInvalidOptionError, WafInvalidRuleError, WafRequestBlockedError } from './waf/errors.js'
export type { WafErrorCode } from './waf/errors.js'
/** Client sessions: the store interface for state that outlives connections, and the in-memory store. */
export { MemorySessionStore } from './sessions/memory-store.js'
export type { MemorySessionStoreOptions } from './sessions/memory-store.js'
export type {
  SessionStore,
  SessionRecord,
  SessionUpdate,
  SaveOutcome,
  SessionLease,
  LeaseOptions,
  SessionMessage,
} from './sessions/store.js'
export type { JsonValue } from './sessions/json-value.js'
export { SessionError, SessionExistsError } from './sessions/errors.js'
export type { SessionErrorCode } from './sessions/errors.js'
