/** The application: routes, middleware, hooks; `serve`, `inject`, `listen`. */
export { App } from './core/app/app.js'
export type { ConnectHandler } from './core/app/app.js'
/** The listening server returned by `app.listen()`. */
export type { HttpServer } from './core/server/http-server.js'
export type { ListenOptions } from './core/server/http-server.js'
/** Running on every core: `app.listen({ workers })` with `node:cluster`. */
export type { ClusterPrimary } from './core/server/cluster-primary.js'
export type { ClusterWorker } from './core/server/cluster-worker.js'
export type { ClusterServer, ClusterListenOptions, WorkerInfo, WorkerState } from './core/server/cluster-server.js'
export type { RestartOptions } from './core/server/restart-policy.js'
/** One connection's loop: `app.open(transport)` makes one; `app.serve()` and `app.listen()` run theirs. */
export type { Session } from './core/session/session.js'
export type { SessionState } from './core/session/session-state.js'
/** Request and response objects handed to handlers. */
export { Request } from './core/request/request.js'
export { Response } from './core/response/response.js'
export type { Handler, Next, ErrorHook } from './core/route/handler.js'
export type { RouteOptions } from './core/route/route-entry.js'
export type { InjectRequest, InjectResponse } from './core/app/inject.js'
export { RouteGroup } from './core/app/route-group.js'
export type { CorsOptions, CorsOrigin } from './core/app/cors.js'
export type { StaticOptions } from './core/app/static-files.js'
export type { CompressionOptions, Coding } from './core/app/compression.js'
export type { RequestLogger, LoggerOptions } from './core/app/request-logger.js'
export { REQUEST_START_CHANNEL, RESPONSE_FINISH_CHANNEL } from './core/app/diagnostics.js'
export type { FinishedResponse } from './core/app/response-record.js'
export type { ParsedResponse } from './core/wire/response-parser.js'
/** Configuration: types, defaults, validation, loading from JSON. */
export { resolveConfig, loadConfig, DEFAULT_CONFIG } from './core/config/config.js'
export type { TrustProxySetting, ProxyTrust } from './core/config/trust-proxy.js'
export type { Config, UserConfig, Limits, Timeouts, WafConfig } from './core/config/config.js'
export type { TlsConfig, SniCertificateConfig } from './core/config/tls-config.js'
/** Core errors: each has a stable `code` and the HTTP `status` it maps to. */
export {
  GatehouseError,
  GATEHOUSE_ERROR,
  PROTOCOL_ERRORS,
  isGatehouseError,
  HttpError,
  NotImplementedError,
  InvalidConfigError,
  UnknownConfigKeyError,
  MalformedRequestError,
  HeadTooLargeError,
  BodyTooLargeError,
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
  ReusePortUnsupportedError,
  WorkerExitedError,
  WorkerCrashLoopError,
  ClusterNotPrimaryError,
  FileNotFoundError,
  InvalidFilePathError,
  FileOutsideRootError,
  InvalidOptionError,
  MalformedResponseError,
} from './core/errors.js'
export type { CoreErrorCode, ProtocolError, ProtocolErrorCode } from './core/errors.js'
export {
  InvalidRouteOptionError,
  UnknownRouteOptionError,
  AddressInUseError,
  ValidationFailedError,
} from './core/app/errors.js'
export { InvalidCookieError } from './core/response/cookie-errors.js'
export { CookieSigner } from './core/request/cookie-signer.js'
export type { FormOptions, FormBody, FormFile, FormFileStream } from './core/request/form-body.js'
export type { CookieOptions } from './core/response/response.js'
export type { ValidationIssue } from './core/app/errors.js'
export { InvalidFormError, FormTooLargeError, UnsupportedMediaTypeError } from './core/request/form-errors.js'
/** Transports: the interface, the built-in kinds, a Duplex over any of them (also `gatehouse/transports`). */
export * from './transports/index.js'
/** Certificates: loading, the development certificate, inspection and verification (also `gatehouse/certs`). */
export * from './certs/index.js'
/** The connection API: connection data and hooks, detaching, raw and constant responses, streamed bodies. */
export { Connection } from './core/request/connection.js'
export type { CloseReason, DetachedConnection } from './core/request/connection.js'
export { ResponseBuilder } from './core/response/response-builder.js'
export { BodyStream } from './core/request/body-stream.js'
export type { ConstantResponseInit } from './core/response/constant-response.js'
export type { StreamSource } from './core/response/stream-source.js'
export type { FileOptions } from './core/response/file-response.js'
/** The router, usable alone (also `gatehouse/router`). */
export * from './router/index.js'
/** The server side of HTTPS, for custom servers: checked certificates, SNI, reloading. */
export { validateTlsConfig } from './core/config/tls-config.js'
export { createTlsSetup } from './core/server/tls-setup.js'
export type { TlsSetup, TlsSetupHooks } from './core/server/tls-setup.js'
/** The WAF, usable alone (also `gatehouse/waf`): request checks, their modes, custom rules and findings. */
export * from './waf/index.js'
/** Client sessions (also `gatehouse/sessions`): state that outlives connections, its stores. */
export * from './sessions/index.js'
