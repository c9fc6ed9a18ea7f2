import { expect } from 'chai'
import sinon from 'sinon'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { STATUS_CODES } from 'node:http'
import { join } from 'node:path'
import { repositoryRoot } from '../helpers/repository-root.js'
import { filesUnder } from '../helpers/files-under.js'
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
import { ParseResult } from '../../core/wire/parse-result.js'
import { parseErrorResponse, timeoutResponse } from '../../core/wire/error-responses.js'
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
const ABSTRACT_BASES = new Set<unknown>([
  core.GatehouseError,
  certs.CertificateError,
  transports.TransportError,
  sessions.SessionError,
  router.RouterError,
  waf.WafError,
])

const DAY = new Date('2026-11-24T00:00:00Z')

// One instance of every concrete error class in the project, keyed by class name. A new error class
// must be added here, which is the point: the tests below then check its code and status.
const SAMPLES: Readonly<Record<string, () => Error>> = {
  HttpError: () => new core.HttpError(403, 'Sign in first'),
  NotImplementedError: () => new core.NotImplementedError('method BREW'),
  FileNotFoundError: () => new core.FileNotFoundError('public/missing.txt'),
  InvalidFilePathError: () => new core.InvalidFilePathError('a\0b', 'it holds a NUL byte'),
  FileOutsideRootError: () => new core.FileOutsideRootError('../secret', 'public'),
  MalformedResponseError: () => new core.MalformedResponseError('bad status line: "HTTP/2 200"'),
  InvalidConfigError: () => new core.InvalidConfigError('limits.maxBodyBytes', 'expected an integer >= 0, got -1'),
  UnknownConfigKeyError: () => new core.UnknownConfigKeyError('limits.maxBodyByte'),
  MalformedRequestError: () => new core.MalformedRequestError('bare LF'),
  HeadTooLargeError: () => new core.HeadTooLargeError(16384),
  BodyTooLargeError: () => new core.BodyTooLargeError(1024),
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
  InvalidRouteOptionError: () =>
    new core.InvalidRouteOptionError('POST /upload', 'bodyLimit', 'expected an integer >= 0 (bytes), got NaN'),
  UnknownRouteOptionError: () => new core.UnknownRouteOptionError('POST /upload', 'bodylimit'),
  InvalidOptionError: () =>
    new core.InvalidOptionError('cors.origin', 'expected a string, a list, a RegExp or a function'),
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
  CertificateNotYetValidError: () =>
    new certs.CertificateNotYetValidError('CN=localhost', DAY, new Date(DAY.getTime() - 1000)),
  CertificateKeyMismatchError: () => new certs.CertificateKeyMismatchError('CN=localhost'),
  CertificateNameMismatchError: () =>
    new certs.CertificateNameMismatchError('example.test', 'CN=localhost', ['localhost']),
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
  SessionInvalidOptionError: () =>
    new sessions.SessionInvalidOptionError('timeoutMinutes', -1, 'a number of minutes > 0'),
  SessionDataInvalidError: () => new sessions.SessionDataInvalidError('Do not know how to serialize a BigInt'),
  SessionDataTooLargeError: () => new sessions.SessionDataTooLargeError(65536, 70000),
  SessionUnknownTaskError: () => new sessions.SessionUnknownTaskError('tick'),
  SessionStoreUnavailableError: () => new sessions.SessionStoreUnavailableError(new Error('ECONNREFUSED')),
  SessionBusyError: () => new sessions.SessionBusyError('abc', 30000),
  SessionNotSavedError: () => new sessions.SessionNotSavedError('abc', 'fenced'),
}

// Every code of each folder's union, written out so the compiler checks it against the union.
const CODES_BY_FOLDER: Readonly<Record<string, Readonly<Record<string, true>>>> = {
  core: {
    ERR_CONFIG_INVALID: true,
    ERR_CONFIG_UNKNOWN_KEY: true,
    ERR_MALFORMED_REQUEST: true,
    ERR_HEAD_TOO_LARGE: true,
    ERR_TOO_MANY_HEADERS: true,
    ERR_TARGET_TOO_LONG: true,
    ERR_BODY_TOO_LARGE: true,
    ERR_HTTP_VERSION: true,
    ERR_EXPECTATION_FAILED: true,
    ERR_REQUEST_TIMEOUT: true,
    ERR_BODY_INVALID_JSON: true,
    ERR_RESPONSE_ALREADY_SENT: true,
    ERR_INVALID_STATUS: true,
    ERR_INVALID_HEADER: true,
    ERR_CONTENT_LENGTH_MISMATCH: true,
    ERR_SERVER_NOT_LISTENING: true,
    ERR_NO_RESPONSE: true,
    ERR_REQUEST_ABORTED: true,
    ERR_UPGRADE_NOT_REQUESTED: true,
    ERR_ALREADY_DETACHED: true,
    ERR_DETACH_WHILE_READING: true,
    ERR_ROUTE_OPTION_INVALID: true,
    ERR_ROUTE_OPTION_UNKNOWN: true,
    ERR_OPTION_INVALID: true,
    ERR_ADDRESS_IN_USE: true,
    ERR_VALIDATION_FAILED: true,
    ERR_FORM_INVALID: true,
    ERR_FORM_TOO_LARGE: true,
    ERR_UNSUPPORTED_MEDIA_TYPE: true,
    ERR_COOKIE_INVALID: true,
    ERR_REUSE_PORT_UNSUPPORTED: true,
    ERR_WORKER_EXITED: true,
    ERR_WORKER_CRASH_LOOP: true,
    ERR_CLUSTER_NOT_PRIMARY: true,
    ERR_HTTP: true,
    ERR_NOT_IMPLEMENTED: true,
    ERR_FILE_NOT_FOUND: true,
    ERR_HANDLER_TIMEOUT: true,
    ERR_FILE_PATH_INVALID: true,
    ERR_FILE_OUTSIDE_ROOT: true,
    ERR_MALFORMED_RESPONSE: true,
  } satisfies Record<CoreErrorCode, true>,
  certs: {
    ERR_CERT_UNREADABLE: true,
    ERR_CERT_EXPIRED: true,
    ERR_CERT_NOT_YET_VALID: true,
    ERR_CERT_KEY_MISMATCH: true,
    ERR_CERT_NAME_MISMATCH: true,
  } satisfies Record<CertificateErrorCode, true>,
  router: {
    ERR_ROUTE_DUPLICATE: true,
    ERR_ROUTE_PARAM_CONFLICT: true,
    ERR_ROUTE_INVALID_PATTERN: true,
    ERR_ROUTE_INVALID_METHOD: true,
    ERR_ROUTER_INVALID_OPTION: true,
  } satisfies Record<RouterErrorCode, true>,
  waf: { ERR_WAF_INVALID_OPTION: true, ERR_WAF_INVALID_RULE: true, ERR_WAF_REQUEST_BLOCKED: true } satisfies Record<
    WafErrorCode,
    true
  >,
  transports: {
    ERR_TRANSPORT_OPTION_INVALID: true,
    ERR_TRANSPORT_CONCURRENT_READ: true,
    ERR_TRANSPORT_INPUT_ENDED: true,
    ERR_TRANSPORT_OUTPUT_NOT_REACHED: true,
  } satisfies Record<TransportErrorCode, true>,
  sessions: {
    ERR_SESSION_EXISTS: true,
    ERR_SESSION_LIMIT: true,
    ERR_SESSION_RUN_TIMEOUT: true,
    ERR_SESSION_DESTROYED: true,
    ERR_SESSION_INVALID_OPTION: true,
    ERR_SESSION_DATA_INVALID: true,
    ERR_SESSION_DATA_TOO_LARGE: true,
    ERR_SESSION_UNKNOWN_TASK: true,
    ERR_SESSION_STORE_UNAVAILABLE: true,
    ERR_SESSION_BUSY: true,
    ERR_SESSION_NOT_SAVED: true,
  } satisfies Record<SessionErrorCode, true>,
}

const MODULES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  core,
  certs,
  router,
  waf,
  transports,
  sessions,
}

/** The exported classes of a module whose names end in `Error`. */
function errorClasses(module: Readonly<Record<string, unknown>>): [string, ErrorClass][] {
  return Object.entries(module).filter(
    (entry): entry is [string, ErrorClass] =>
      entry[0].endsWith('Error') && typeof entry[1] === 'function' && /^[A-Z]/.test(entry[0]),
  )
}

function sample(name: string): CatalogError {
  const make = SAMPLES[name]
  if (make === undefined) throw new Error(`no sample for ${name}: add one to SAMPLES`)
  return make() as CatalogError
}

describe('error catalog', () => {
  const exported = errorClasses(api)

  it('exports error classes from the root index', () => {
    expect(exported.map(([name]) => name)).to.include.members([
      'GatehouseError',
      'InvalidConfigError',
      'CertificateError',
    ])
  })

  for (const [name, cls] of exported.filter(([, c]) => !ABSTRACT_BASES.has(c))) {
    it(`${name} (root export) has an ERR_ code, a numeric status, its own name and a message`, () => {
      const err = sample(name)
      expect(err).to.be.instanceOf(cls)
      expect(err.code)
        .to.be.a('string')
        .and.match(/^ERR_[A-Z0-9_]+$/)
      expect(err.status).to.be.a('number')
      expect(Number.isInteger(err.status) && err.status >= 400 && err.status <= 599).to.equal(true)
      expect(err.name).to.equal(name)
      expect(err.message).to.not.equal('')
    })
  }

  it('exports every core and certificate error class from the root index', () => {
    const missing = [...errorClasses(core), ...errorClasses(certs)].filter(
      ([name, cls]) => (api as Record<string, unknown>)[name] !== cls,
    )
    expect(missing.map(([name]) => name)).to.deep.equal([])
  })

  for (const [folder, module] of Object.entries(MODULES)) {
    it(`gives every concrete error class of ${folder} exactly the codes of its union`, () => {
      const codes = errorClasses(module)
        .filter(([, cls]) => !ABSTRACT_BASES.has(cls))
        .map(([name]) => sample(name).code)
      // The protocol errors answered only by a fixed response have a code and no class.
      if (folder === 'core') codes.push(...Object.values(core.PROTOCOL_ERRORS).map((row) => row.code))
      expect([...new Set(codes)].sort()).to.deep.equal(Object.keys(CODES_BY_FOLDER[folder]!).sort())
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
      HttpError: 403,
      NotImplementedError: 501,
      FileNotFoundError: 404,
      InvalidFilePathError: 400,
      FileOutsideRootError: 404,
      MalformedResponseError: 500,
      InvalidConfigError: 500,
      UnknownConfigKeyError: 500,
      MalformedRequestError: 400,
      HeadTooLargeError: 431,
      BodyTooLargeError: 413,
      InvalidJsonBodyError: 400,
      ResponseAlreadySentError: 500,
      InvalidStatusError: 500,
      InvalidHeaderError: 500,
      ContentLengthMismatchError: 500,
      ServerNotListeningError: 500,
      NoResponseError: 500,
      RequestAbortedError: 400,
      UpgradeNotRequestedError: 426,
      AlreadyDetachedError: 500,
      DetachWhileReadingError: 500,
      InvalidRouteOptionError: 500,
      UnknownRouteOptionError: 500,
      InvalidOptionError: 500,
      AddressInUseError: 500,
      ValidationFailedError: 400,
      InvalidCookieError: 500,
      InvalidFormError: 400,
      FormTooLargeError: 413,
      UnsupportedMediaTypeError: 415,
      CertificateUnreadableError: 500,
      CertificateExpiredError: 500,
      CertificateNotYetValidError: 500,
      CertificateKeyMismatchError: 500,
      CertificateNameMismatchError: 500,
      RouteDuplicateError: 500,
      RouteParamConflictError: 500,
      RouteInvalidPatternError: 500,
      RouteInvalidMethodError: 500,
      RouterInvalidOptionError: 500,
      WafInvalidOptionError: 500,
      WafInvalidRuleError: 500,
      WafRequestBlockedError: 400,
      InvalidTransportOptionError: 500,
      ConcurrentReadError: 500,
      InputEndedError: 500,
      OutputNotReachedError: 500,
      SessionExistsError: 500,
      SessionLimitError: 503,
      SessionRunTimeoutError: 503,
      SessionDestroyedError: 410,
      SessionInvalidOptionError: 500,
      SessionDataInvalidError: 500,
      SessionDataTooLargeError: 413,
      SessionUnknownTaskError: 500,
      SessionStoreUnavailableError: 503,
      SessionBusyError: 503,
      SessionNotSavedError: 503,
      ReusePortUnsupportedError: 500,
      WorkerExitedError: 500,
      WorkerCrashLoopError: 500,
      ClusterNotPrimaryError: 500,
    })
  })

  it('documents every CoreErrorCode in README.md', () => {
    const undocumented = Object.keys(CODES_BY_FOLDER.core!).filter((code) => !readme().includes(code))
    expect(undocumented).to.deep.equal([])
  })

  it("gives each code in README.md's error table the status its class or protocol row has", () => {
    const documented = Object.fromEntries(
      [...readme().matchAll(/^\| `(ERR_[A-Z0-9_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]),
    )
    const actual: Record<string, number> = {}
    for (const row of Object.values(core.PROTOCOL_ERRORS)) actual[row.code] = row.status
    for (const name of Object.keys(SAMPLES)) actual[sample(name).code] = sample(name).status
    // An HttpError's status is the thrower's choice: the table says 4xx/5xx.
    delete actual['ERR_HTTP']
    expect(documented).to.deep.equal(actual)
  })

  it('marks every error of every folder with the one brand', () => {
    const unbranded = Object.keys(SAMPLES).filter((name) => !api.isGatehouseError(sample(name)))
    expect(unbranded).to.deep.equal([])
    expect(api.isGatehouseError(new Error('plain'))).to.equal(false)
    expect(api.isGatehouseError({ [Symbol.for('gatehouse.error')]: true })).to.equal(true)
    expect(api.isGatehouseError(null)).to.equal(false)
  })

  it("recommends isGatehouseError, never instanceof GatehouseError, which misses the leaves' errors", () => {
    const root = repositoryRoot(import.meta.url)
    const texts: [string, string][] = [
      ['README.md', readme()],
      ['core/errors.ts', readFileSync(join(root, 'core/errors.ts'), 'utf8')],
      ...readdirSync(join(root, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name): [string, string] => [`docs/${name}`, readFileSync(join(root, 'docs', name), 'utf8')]),
    ]
    const recommending = texts.filter(([, text]) => /instanceof GatehouseError(?!`)/.test(text)).map(([path]) => path)
    expect(recommending).to.deep.equal([])
    expect(readme()).to.include('isGatehouseError(err)')
  })

  it('throws every exported concrete error class somewhere in the source', () => {
    const sources = ['core', 'router', 'waf', 'certs', 'transports', 'sessions'].flatMap((folder) =>
      sourceTexts(repositoryRoot(import.meta.url), folder),
    )
    const neverThrown = Object.keys(SAMPLES).filter(
      (name) => !THROWN_BY_HANDLERS.has(name) && !sources.some((text) => text.includes(`new ${name}(`)),
    )
    expect(neverThrown).to.deep.equal([])
  })

  it('throws no bare Error, TypeError or RangeError from the source but the internal ones listed', () => {
    const root = repositoryRoot(import.meta.url)
    const files = ['core', 'router', 'waf', 'certs', 'transports', 'sessions'].flatMap((folder) =>
      sourceFiles(root, folder),
    )
    const bare = files.flatMap(([path, text]) =>
      // The message up to its first interpolation names the site; a message that is not a literal is named so.
      [...text.matchAll(/new (?:Error|TypeError|RangeError)\((?:[`'"]([^`'"$]*))?/g)].map(
        (m) => `${path}: ${m[1] ?? '(a message that is not a literal)'}`,
      ),
    )
    expect(bare.filter((found) => !BARE_ERRORS_ALLOWED.has(found))).to.deep.equal([])
    // An entry no longer in the source is stale: the list says only what is true.
    expect([...BARE_ERRORS_ALLOWED.keys()].filter((entry) => !bare.includes(entry))).to.deep.equal([])
  })
})

describe('protocol error table', () => {
  it('is frozen, rows and all, so no row can part a class from its prebuilt answer', () => {
    const table = core.PROTOCOL_ERRORS as unknown as Record<string, Record<string, unknown>>
    expect(Object.isFrozen(table)).to.equal(true)
    for (const [name, row] of Object.entries(table)) expect(Object.isFrozen(row), name).to.equal(true)
    // Modules run in strict mode: a write to a frozen object throws rather than passing silently.
    expect(() => (table.Malformed!.status = 418)).to.throw(TypeError)
    expect(() => (table.Teapot = { status: 418 })).to.throw(TypeError)
    expect(new core.MalformedRequestError('x').status).to.equal(400)
    expect(parseErrorResponse(core.PROTOCOL_ERRORS.Malformed.result, '').toString('latin1')).to.match(
      /^HTTP\/1\.1 400 Bad Request\r\n/,
    )
  })

  it("freezes the certificates' list of codes", () => {
    expect(Object.isFrozen(certs.CERTIFICATE_ERROR_CODES)).to.equal(true)
  })

  it('gives the parser results the numbers of the table', () => {
    for (const [name, row] of Object.entries(core.PROTOCOL_ERRORS)) {
      if (name === 'RequestTimeout' || name === 'HandlerTimeout') continue
      expect((ParseResult as Record<string, number>)[name], name).to.equal(row.result)
    }
    expect(new Set(Object.values(core.PROTOCOL_ERRORS).map((row) => row.result)).size).to.equal(
      Object.keys(core.PROTOCOL_ERRORS).length,
    )
  })

  it("builds each fixed response from its row's status and message", () => {
    for (const row of Object.values(core.PROTOCOL_ERRORS)) {
      const bytes = parseErrorResponse(row.result, '').toString('latin1')
      const body = JSON.stringify({ message: row.message })
      expect(bytes.split('\r\n')[0], row.code).to.equal(`HTTP/1.1 ${row.status} ${STATUS_CODES[row.status]}`)
      expect(
        bytes.endsWith(`\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`),
        row.code,
      ).to.equal(true)
    }
    expect(timeoutResponse('').toString('latin1')).to.match(
      /^HTTP\/1\.1 408 Request Timeout\r\n[^]*\{"message":"Request timeout"\}$/,
    )
  })

  it("gives the protocol errors' classes the code and status of their row", () => {
    expect([new core.MalformedRequestError('x').code, new core.MalformedRequestError('x').status]).to.deep.equal([
      'ERR_MALFORMED_REQUEST',
      400,
    ])
    expect([new core.HeadTooLargeError(1).code, new core.HeadTooLargeError(1).status]).to.deep.equal([
      'ERR_HEAD_TOO_LARGE',
      431,
    ])
    expect([new core.BodyTooLargeError(1).code, new core.BodyTooLargeError(1).status]).to.deep.equal([
      'ERR_BODY_TOO_LARGE',
      413,
    ])
    expect([new core.NotImplementedError('x').code, new core.NotImplementedError('x').status]).to.deep.equal([
      'ERR_NOT_IMPLEMENTED',
      501,
    ])
  })
})

describe('HttpError', () => {
  it('shows a 4xx message and hides a 5xx one unless told otherwise', () => {
    expect([new api.HttpError(403).message, new api.HttpError(403).expose]).to.deep.equal(['Forbidden', true])
    expect(new api.HttpError(503, 'db down').expose).to.equal(false)
    expect(new api.HttpError(503, 'try later', { expose: true }).expose).to.equal(true)
    expect(new api.HttpError(404, 'gone', { cause: 'x' }).cause).to.equal('x')
  })

  it('refuses a status outside 400–599 with ERR_INVALID_STATUS naming it', () => {
    for (const status of [200, 399, 600, 404.5, Number.NaN]) {
      expect(() => new api.HttpError(status), String(status)).to.throw(api.InvalidStatusError, String(status))
    }
  })
})

// Errors made for user code to throw, which the App answers rather than throwing them itself: an
// HttpError. (The WAF's block is built by the Session from every blocking verdict and answered from.)
const THROWN_BY_HANDLERS = new Set(['HttpError'])

// The plain errors the source may throw, each with why no user can meet it as a project error.
const BARE_ERRORS_ALLOWED = new Map([
  [
    'router/table-source.ts: matcher source: ',
    "an invariant of the router's own code generator (one offset pair per param name); no route can break it",
  ],
  [
    'waf/literal-set.ts: literal ',
    'LiteralSet is internal and built once at load from the built-in signatures; a bad one fails every test',
  ],
  [
    'transports/transport-duplex.ts: the transport accepted no more bytes',
    "an EPIPE shaped like Node's own, so stream code (and the Session) takes it as an ordinary disconnect",
  ],
  [
    'transports/memory-transport.ts: write EPIPE: failWriteAfterBytes ',
    "the scripted fault imitates the system's EPIPE, which must look exactly like a socket's to be a faithful fault",
  ],
])

/** `[repository path, code without comments]` of every `.ts` file under a folder. */
function sourceFiles(root: string, folder: string): [string, string][] {
  return filesUnder(root, folder).map((file) => [file, withoutComments(readFileSync(join(root, file), 'utf8'))])
}

function withoutComments(text: string): string {
  return text.replace(/\/\*[^]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
}

function readme(): string {
  const path = join(repositoryRoot(import.meta.url), 'README.md')
  return existsSync(path) ? readFileSync(path, 'utf8') : ''
}

/**
 * The code of every `.ts` file under a folder, without its block comments and whole-line comments:
 * a TSDoc example that throws a class is not the project throwing it.
 */
function sourceTexts(root: string, folder: string): string[] {
  return sourceFiles(root, folder).map(([, text]) => text)
}

describe('what a thrown value answers', () => {
  const answer = async (thrown: unknown, method = 'GET'): Promise<[number, unknown]> => {
    const app = new api.App({ serverHeader: false })
    app.onError(() => undefined)
    app.get('/throw', () => {
      throw thrown
    })
    const res = await app.inject({ method, path: '/throw' })
    return [res.status, res.json()]
  }

  it("answers a project error of any folder with its status, the WAF's with its rule", async () => {
    expect(await answer(new api.WafRequestBlockedError('sqli'))).to.deep.equal([
      400,
      { message: 'Request blocked', rule: 'sqli' },
    ])
    expect(await answer(new api.BodyTooLargeError(10))).to.deep.equal([
      413,
      { message: 'request body exceeds maxBodyBytes (10)' },
    ])
    expect(await answer(new api.RouteInvalidMethodError('G T', '/'))).to.deep.equal([
      500,
      { message: 'Internal Server Error' },
    ])
  })

  it('honours status and statusCode from 400 to 599 on any thrown value', async () => {
    expect(await answer(new api.HttpError(409, 'taken'))).to.deep.equal([409, { message: 'taken' }])
    expect(await answer(Object.assign(new Error('no such user'), { status: 404 }))).to.deep.equal([
      404,
      { message: 'no such user' },
    ])
    expect(await answer(Object.assign(new Error('slow down'), { statusCode: 429 }))).to.deep.equal([
      429,
      { message: 'slow down' },
    ])
    expect(await answer({ status: 400, message: 'plain object' })).to.deep.equal([400, { message: 'plain object' }])
    expect(await answer(Object.assign(new Error('x'), { status: 302 }))).to.deep.equal([
      500,
      { message: 'Internal Server Error' },
    ])
    expect(await answer(Object.assign(new Error('x'), { status: '404' }))).to.deep.equal([
      500,
      { message: 'Internal Server Error' },
    ])
    // A status out of range gives way to a statusCode in range, as Express's finalhandler reads them.
    expect(await answer(Object.assign(new Error('gone'), { status: 200, statusCode: 404 }))).to.deep.equal([
      404,
      { message: 'gone' },
    ])
  })

  it('answers 500 whatever the status when an onError hook throws: the answer itself failed', async () => {
    const app = new api.App({ serverHeader: false })
    const seen: unknown[] = []
    app.onError((err) => {
      seen.push(err)
      if (err instanceof api.HttpError) throw new Error('the hook broke')
    })
    app.get('/throw', () => {
      throw new api.HttpError(404, 'no such thing')
    })
    const res = await app.inject({ path: '/throw' })
    expect([res.status, res.json()]).to.deep.equal([500, { message: 'Internal Server Error' }])
    expect((seen[1] as Error).message).to.equal('the hook broke')
  })

  it('hides a 5xx message and shows the reason phrase, unless expose says otherwise', async () => {
    expect(await answer(new api.HttpError(503, 'db password wrong'))).to.deep.equal([
      503,
      { message: 'Service Unavailable' },
    ])
    expect(await answer(new api.HttpError(503, 'back at noon', { expose: true }))).to.deep.equal([
      503,
      { message: 'back at noon' },
    ])
    expect(await answer(Object.assign(new Error('secret'), { status: 403, expose: false }))).to.deep.equal([
      403,
      { message: 'Forbidden' },
    ])
    expect(await answer('a string')).to.deep.equal([500, { message: 'Internal Server Error' }])
  })

  it('refuses CONNECT with a NotImplementedError that onError and onFinish see, shown, closing', async () => {
    const app = new api.App({ serverHeader: false })
    const seen: unknown[] = []
    app.onError((err) => void seen.push(err))
    app.onFinish((_req, _res, info) => void seen.push([info.status, info.error]))
    const transport = new api.MemoryTransport({
      input: ['CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n'],
    })
    await app.serve(transport)
    const body = '{"message":"CONNECT is not implemented"}'
    expect(transport.outputText('latin1').replace(/\r\nDate: [^\r]*/, '')).to.equal(
      `HTTP/1.1 501 Not Implemented\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    )
    expect(seen).to.have.length(2)
    const [thrown, [status, finished]] = seen as [unknown, [number, unknown]]
    expect(thrown).to.be.instanceOf(api.NotImplementedError)
    expect([(thrown as api.NotImplementedError).code, (thrown as api.NotImplementedError).what]).to.deep.equal([
      'ERR_NOT_IMPLEMENTED',
      'CONNECT',
    ])
    expect([status, finished]).to.deep.equal([501, thrown])
  })

  it('does not print a 501 when no onError hook is set: it declines a request, nothing failed', async () => {
    const printed = sinon.stub(console, 'error')
    try {
      const app = new api.App({ serverHeader: false })
      app.get('/brew', () => {
        throw new api.NotImplementedError('method BREW')
      })
      const connect = new api.MemoryTransport({
        input: ['CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n'],
      })
      await app.serve(connect)
      const thrown = await app.inject({ path: '/brew' })
      expect(connect.outputText('latin1')).to.match(/^HTTP\/1\.1 501 Not Implemented\r\n/)
      expect([thrown.status, thrown.json()]).to.deep.equal([501, { message: 'Not Implemented' }])
      expect(printed.callCount).to.equal(0)
    } finally {
      printed.restore()
    }
  })

  it('answers a thrown NotImplementedError 501 with the reason phrase', async () => {
    expect(await answer(new api.NotImplementedError('method BREW'))).to.deep.equal([
      501,
      { message: 'Not Implemented' },
    ])
  })
})
