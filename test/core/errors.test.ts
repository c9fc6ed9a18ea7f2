import { expect } from 'chai'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repositoryRoot } from '../helpers/repository-root.js'
import * as api from '../../index.js'
import * as coreErrors from '../../core/errors.js'
import * as appErrors from '../../core/app/errors.js'
import * as formErrors from '../../core/request/form-errors.js'
import * as cookieErrors from '../../core/response/cookie-errors.js'
import * as certs from '../../certs/errors.js'
import * as router from '../../router/errors.js'
import * as waf from '../../waf/errors.js'
import * as transports from '../../transports/errors.js'
import * as sessions from '../../sessions/errors.js'
import type { CoreErrorCode } from '../../core/errors.js'
import type { CertificateErrorCode } from '../../certs/errors.js'
import type { RouterErrorCode } from '../../router/errors.js'
import type { WafErrorCode } from '../../waf/errors.js'
import type { TransportErrorCode } from '../../transports/errors.js'
import type { SessionErrorCode } from '../../sessions/errors.js'

/** An error as the catalog promises it: a stable code and the HTTP status it maps to. */
interface CatalogError extends Error {
  readonly code: string
  readonly status: number
}

type ErrorClass = abstract new (...args: never[]) => Error

// The core's one union of codes covers the errors of its layers: the bottom layer's, the app
// layer's, the request layer's form errors and the response layer's cookie error.
const core = { ...coreErrors, ...appErrors, ...formErrors, ...cookieErrors }

// Bases that only carry the shape; every concrete error extends one of them.
const ABSTRACT_BASES = new Set<unknown>([core.GatehouseError, certs.CertificateError, transports.TransportError, sessions.SessionError])

const DAY = new Date('2026-11-24T00:00:00Z')

// One instance of every concrete error class in the project, keyed by class name. A new error class
// must be added here, which is the point: the tests below then check its code and status.
const SAMPLES: Readonly<Record<string, () => Error>> = {
  InvalidConfigError: () => new core.InvalidConfigError('limits.maxBodyBytes', 'expected an integer >= 0, got -1'),
  UnknownConfigKeyError: () => new core.UnknownConfigKeyError('limits.maxBodyByte'),
  MalformedRequestError: () => new core.MalformedRequestError('bare LF'),
  HeadTooLargeError: () => new core.HeadTooLargeError(16384),
  TooManyHeadersError: () => new core.TooManyHeadersError(100),
  TargetTooLongError: () => new core.TargetTooLongError(8192),
  BodyTooLargeError: () => new core.BodyTooLargeError(1024),
  VersionNotSupportedError: () => new core.VersionNotSupportedError('HTTP/2.0'),
  ExpectationFailedError: () => new core.ExpectationFailedError('200-ok'),
  RequestTimeoutError: () => new core.RequestTimeoutError('head', 20000),
  InvalidJsonBodyError: () => new core.InvalidJsonBodyError('Unexpected end of JSON input'),
  ResponseAlreadySentError: () => new core.ResponseAlreadySentError('text()'),
  InvalidStatusError: () => new core.InvalidStatusError(42),
  InvalidHeaderError: () => new core.InvalidHeaderError('X-A', 'the value holds CR'),
  ContentLengthMismatchError: () => new core.ContentLengthMismatchError(10, 4),
  ServerNotListeningError: () => new core.ServerNotListeningError(),
  NoResponseError: () => new core.NoResponseError('/users'),
  RequestAbortedError: () => new core.RequestAbortedError(512),
  UpgradeNotRequestedError: () => new core.UpgradeNotRequestedError('/chat'),
  AlreadyDetachedError: () => new core.AlreadyDetachedError(),
  DetachWhileReadingError: () => new core.DetachWhileReadingError(),
  InvalidRouteOptionError: () => new core.InvalidRouteOptionError('POST /upload', 'bodyLimit', 'expected an integer >= 0 (bytes), got NaN'),
  UnknownRouteOptionError: () => new core.UnknownRouteOptionError('POST /upload', 'bodylimit'),
  InvalidOptionError: () => new core.InvalidOptionError('cors.origin', 'expected a string, a list, a RegExp or a function'),
  AddressInUseError: () => new core.AddressInUseError('localhost', 8080),
  ValidationFailedError: () => new core.ValidationFailedError('body', [{ message: 'Required', path: ['title'] }]),
  InvalidCookieError: () => new core.InvalidCookieError('sid', 'argument val is invalid'),
  InvalidFormError: () => new core.InvalidFormError('Unexpected end of form'),
  FormTooLargeError: () => new core.FormTooLargeError('fileBytes', 1024),
  UnsupportedMediaTypeError: () => new core.UnsupportedMediaTypeError('text/plain'),
  ReusePortUnsupportedError: () => new core.ReusePortUnsupportedError('v20.19.0', 'linux'),
  WorkerExitedError: () => new core.WorkerExitedError(3, 4242, null, 'SIGKILL', 100),
  WorkerCrashLoopError: () => new core.WorkerCrashLoopError(1, 5, 60000),
  ClusterNotPrimaryError: () => new core.ClusterNotPrimaryError('restartWorkers()'),
  CertificateUnreadableError: () => new certs.CertificateUnreadableError('certificate', 'cert.pem', 'ENOENT'),
  CertificateExpiredError: () => new certs.CertificateExpiredError('CN=localhost', DAY, new Date(DAY.getTime() + 1000)),
  CertificateNotYetValidError: () => new certs.CertificateNotYetValidError('CN=localhost', DAY, new Date(DAY.getTime() - 1000)),
  CertificateKeyMismatchError: () => new certs.CertificateKeyMismatchError('CN=localhost'),
  CertificateNameMismatchError: () => new certs.CertificateNameMismatchError('example.test', 'CN=localhost', ['localhost']),
  RouteDuplicateError: () => new router.RouteDuplicateError('GET', '/users/:id', '/users/:id'),
  RouteParamConflictError: () => new router.RouteParamConflictError('/users/:name', 'name', '/users/:id', 'id'),
  RouteInvalidPatternError: () => new router.RouteInvalidPatternError('/users/:', 'empty param name'),
  RouteInvalidMethodError: () => new router.RouteInvalidMethodError('GE T', '/'),
  RouterInvalidOptionError: () => new router.RouterInvalidOptionError('maxParamLength', 0, 'a positive integer'),
  WafInvalidOptionError: () => new waf.WafInvalidOptionError('mode', 'loud', 'off, monitor, basic or strict'),
  WafInvalidRuleError: () => new waf.WafInvalidRuleError('no-admin', 'neither pattern nor test'),
  WafRequestBlockedError: () => new waf.WafRequestBlockedError('sqli'),
  InvalidTransportOptionError: () => new transports.InvalidTransportOptionError('chunkSize', 0, 'an integer >= 1'),
  ConcurrentReadError: () => new transports.ConcurrentReadError('PlainTransport'),
  InputEndedError: () => new transports.InputEndedError(0),
  OutputNotReachedError: () => new transports.OutputNotReachedError('HTTP/1.1 200', 0),
  SessionExistsError: () => new sessions.SessionExistsError('b3JpZ2luYWwtaWQtMTI4Yml0'),
  SessionLimitError: () => new sessions.SessionLimitError(100),
  SessionRunTimeoutError: () => new sessions.SessionRunTimeoutError(30000),
  SessionDestroyedError: () => new sessions.SessionDestroyedError('b3JpZ2luYWwtaWQtMTI4Yml0'),
  SessionInvalidOptionError: () => new sessions.SessionInvalidOptionError('timeoutMinutes', -1, 'a number of minutes > 0'),
  SessionDataInvalidError: () => new sessions.SessionDataInvalidError('Do not know how to serialize a BigInt'),
  SessionDataTooLargeError: () => new sessions.SessionDataTooLargeError(65536, 70000),
  SessionUnknownTaskError: () => new sessions.SessionUnknownTaskError('tick'),
}

// Every code of each folder's union, written out so the compiler checks it against the union.
const CODES_BY_FOLDER: Readonly<Record<string, Readonly<Record<string, true>>>> = {
  core: {
    ERR_CONFIG_INVALID: true, ERR_CONFIG_UNKNOWN_KEY: true, ERR_MALFORMED_REQUEST: true, ERR_HEAD_TOO_LARGE: true,
    ERR_TOO_MANY_HEADERS: true, ERR_TARGET_TOO_LONG: true, ERR_BODY_TOO_LARGE: true, ERR_HTTP_VERSION: true,
    ERR_EXPECTATION_FAILED: true, ERR_REQUEST_TIMEOUT: true, ERR_BODY_INVALID_JSON: true, ERR_RESPONSE_ALREADY_SENT: true,
    ERR_INVALID_STATUS: true, ERR_INVALID_HEADER: true, ERR_CONTENT_LENGTH_MISMATCH: true, ERR_SERVER_NOT_LISTENING: true,
    ERR_NO_RESPONSE: true, ERR_REQUEST_ABORTED: true, ERR_UPGRADE_NOT_REQUESTED: true, ERR_ALREADY_DETACHED: true,
    ERR_DETACH_WHILE_READING: true, ERR_ROUTE_OPTION_INVALID: true, ERR_ROUTE_OPTION_UNKNOWN: true, ERR_OPTION_INVALID: true,
    ERR_ADDRESS_IN_USE: true, ERR_VALIDATION_FAILED: true, ERR_FORM_INVALID: true, ERR_FORM_TOO_LARGE: true,
    ERR_UNSUPPORTED_MEDIA_TYPE: true, ERR_COOKIE_INVALID: true,
    ERR_REUSE_PORT_UNSUPPORTED: true, ERR_WORKER_EXITED: true, ERR_WORKER_CRASH_LOOP: true,
    ERR_CLUSTER_NOT_PRIMARY: true,
  } satisfies Record<CoreErrorCode, true>,
  certs: {
    ERR_CERT_UNREADABLE: true, ERR_CERT_EXPIRED: true, ERR_CERT_NOT_YET_VALID: true, ERR_CERT_KEY_MISMATCH: true,
    ERR_CERT_NAME_MISMATCH: true,
  } satisfies Record<CertificateErrorCode, true>,
  router: {
    ERR_ROUTE_DUPLICATE: true, ERR_ROUTE_PARAM_CONFLICT: true, ERR_ROUTE_INVALID_PATTERN: true, ERR_ROUTE_INVALID_METHOD: true,
    ERR_ROUTER_INVALID_OPTION: true,
  } satisfies Record<RouterErrorCode, true>,
  waf: { ERR_WAF_INVALID_OPTION: true, ERR_WAF_INVALID_RULE: true, ERR_WAF_REQUEST_BLOCKED: true } satisfies Record<WafErrorCode, true>,
  transports: {
    ERR_TRANSPORT_OPTION_INVALID: true, ERR_TRANSPORT_CONCURRENT_READ: true, ERR_TRANSPORT_INPUT_ENDED: true,
    ERR_TRANSPORT_OUTPUT_NOT_REACHED: true,
  } satisfies Record<TransportErrorCode, true>,
  sessions: {
    ERR_SESSION_EXISTS: true, ERR_SESSION_LIMIT: true, ERR_SESSION_RUN_TIMEOUT: true, ERR_SESSION_DESTROYED: true,
    ERR_SESSION_INVALID_OPTION: true, ERR_SESSION_DATA_INVALID: true, ERR_SESSION_DATA_TOO_LARGE: true, ERR_SESSION_UNKNOWN_TASK: true,
  } satisfies Record<SessionErrorCode, true>,
}

const MODULES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = { core, certs, router, waf, transports, sessions }

/** The exported classes of a module whose names end in `Error`. */
function errorClasses(module: Readonly<Record<string, unknown>>): [string, ErrorClass][] {
  return Object.entries(module).filter((entry): entry is [string, ErrorClass] => entry[0].endsWith('Error') && typeof entry[1] === 'function')
}

function sample(name: string): CatalogError {
  const make = SAMPLES[name]
  if (make === undefined) throw new Error(`no sample for ${name}: add one to SAMPLES`)
  return make() as CatalogError
}

describe('error catalog', () => {
  const exported = errorClasses(api)

  it('exports error classes from the root index', () => {
    expect(exported.map(([name]) => name)).to.include.members(['GatehouseError', 'InvalidConfigError', 'CertificateError'])
  })

  for (const [name, cls] of exported.filter(([, c]) => !ABSTRACT_BASES.has(c))) {
    it(`${name} (root export) has an ERR_ code, a numeric status, its own name and a message`, () => {
      const err = sample(name)
      expect(err).to.be.instanceOf(cls)
      expect(err.code).to.be.a('string').and.match(/^ERR_[A-Z0-9_]+$/)
      expect(err.status).to.be.a('number')
      expect(Number.isInteger(err.status) && err.status >= 400 && err.status <= 599).to.equal(true)
      expect(err.name).to.equal(name)
      expect(err.message).to.not.equal('')
    })
  }

  it('exports every core and certificate error class from the root index', () => {
    const missing = [...errorClasses(core), ...errorClasses(certs)].filter(([name, cls]) => (api as Record<string, unknown>)[name] !== cls)
    expect(missing.map(([name]) => name)).to.deep.equal([])
  })

  for (const [folder, module] of Object.entries(MODULES)) {
    it(`gives every concrete error class of ${folder} exactly the codes of its union`, () => {
      const codes = errorClasses(module)
        .filter(([, cls]) => !ABSTRACT_BASES.has(cls))
        .map(([name]) => sample(name).code)
      expect([...codes].sort()).to.deep.equal(Object.keys(CODES_BY_FOLDER[folder]!).sort())
    })
  }

  it('gives every concrete error class a code that no other class in the project uses', () => {
    const owners = new Map<string, string[]>()
    for (const module of Object.values(MODULES)) {
      for (const [name, cls] of errorClasses(module)) {
        if (ABSTRACT_BASES.has(cls)) continue
        const code = sample(name).code
        owners.set(code, [...(owners.get(code) ?? []), name])
      }
    }
    const shared = [...owners].filter(([, names]) => names.length > 1)
    expect(shared).to.deep.equal([])
    expect(owners.size).to.equal(Object.keys(SAMPLES).length)
  })

  it('maps client errors to 4xx and programmer errors to 500', () => {
    const statuses = Object.fromEntries(Object.keys(SAMPLES).map((name) => [name, sample(name).status]))
    expect(statuses).to.deep.equal({
      InvalidConfigError: 500, UnknownConfigKeyError: 500, MalformedRequestError: 400, HeadTooLargeError: 431,
      TooManyHeadersError: 431, TargetTooLongError: 414, BodyTooLargeError: 413, VersionNotSupportedError: 505,
      ExpectationFailedError: 417, RequestTimeoutError: 408, InvalidJsonBodyError: 400, ResponseAlreadySentError: 500,
      InvalidStatusError: 500, InvalidHeaderError: 500, ContentLengthMismatchError: 500, ServerNotListeningError: 500,
      NoResponseError: 500, RequestAbortedError: 400, UpgradeNotRequestedError: 426, AlreadyDetachedError: 500,
      DetachWhileReadingError: 500, InvalidRouteOptionError: 500, UnknownRouteOptionError: 500, InvalidOptionError: 500,
      AddressInUseError: 500, ValidationFailedError: 400, InvalidCookieError: 500, InvalidFormError: 400, FormTooLargeError: 413,
      UnsupportedMediaTypeError: 415, CertificateUnreadableError: 500, CertificateExpiredError: 500, CertificateNotYetValidError: 500,
      CertificateKeyMismatchError: 500, CertificateNameMismatchError: 500, RouteDuplicateError: 500,
      RouteParamConflictError: 500, RouteInvalidPatternError: 500, RouteInvalidMethodError: 500,
      RouterInvalidOptionError: 500, WafInvalidOptionError: 500, WafInvalidRuleError: 500, WafRequestBlockedError: 400,
      InvalidTransportOptionError: 500, ConcurrentReadError: 500, InputEndedError: 500, OutputNotReachedError: 500,
      SessionExistsError: 500, SessionLimitError: 503, SessionRunTimeoutError: 503, SessionDestroyedError: 410,
      SessionInvalidOptionError: 500, SessionDataInvalidError: 500, SessionDataTooLargeError: 413, SessionUnknownTaskError: 500,
      ReusePortUnsupportedError: 500, WorkerExitedError: 500, WorkerCrashLoopError: 500, ClusterNotPrimaryError: 500,
    })
  })

  it('documents every CoreErrorCode in README.md', () => {
    const readmePath = join(repositoryRoot(import.meta.url), 'README.md')
    const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : ''
    const undocumented = Object.keys(CODES_BY_FOLDER.core!).filter((code) => !readme.includes(code))
    expect(undocumented).to.deep.equal([])
  })
})
