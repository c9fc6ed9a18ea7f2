import { expect } from 'chai'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_CONFIG, loadConfig, resolveConfig } from '../../../core/config/config.js'
import { InvalidConfigError, UnknownConfigKeyError } from '../../../core/errors.js'

/** Runs `fn` and returns what it threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}

const EXPECTED_DEFAULTS = {
  limits: {
    maxHeaderBytes: 16384,
    maxHeaderCount: 100,
    maxTargetBytes: 8192,
    maxBodyBytes: 10485760,
    maxRequestsPerConnection: 0,
    maxConcurrentRequests: 1,
    maxBufferedResponseBytes: 1048576,
  },
  timeouts: {
    headerTimeoutMs: 20000,
    bodyTimeoutMs: 60000,
    handlerTimeoutMs: 60000,
    idleTimeoutMs: 65000,
    writeTimeoutMs: 65000,
  },
  waf: { mode: 'basic', rules: [], onBlock: undefined },
  router: { caseSensitive: true, ignoreTrailingSlash: false, maxParamLength: 100 },
  serverHeader: 'gatehouse',
  smallWriteBytes: 16384,
  shutdownTimeoutMs: 10000,
  tls: undefined,
  trustProxy: false,
  sessions: {
    defaultTimeoutMinutes: 20,
    maxSessions: 100000,
    whenFull: 'evict',
    maxDataBytes: 65536,
    maxPatchBytes: 65536,
    runTimeoutMs: 30000,
    resourcePrefix: '/__session',
    readOnlyPaths: [],
    cookieName: 'gatehouse.sid',
    cookieMaxAgeSeconds: 0,
    resolutionMs: 1000,
    leaseMs: 5000,
  },
}

describe('configuration', () => {
  describe('DEFAULT_CONFIG', () => {
    it('holds the documented defaults', () => {
      expect(DEFAULT_CONFIG).to.deep.equal(EXPECTED_DEFAULTS)
    })

    it('is frozen, sections included', () => {
      expect(Object.isFrozen(DEFAULT_CONFIG)).to.equal(true)
      expect(Object.isFrozen(DEFAULT_CONFIG.limits)).to.equal(true)
      expect(Object.isFrozen(DEFAULT_CONFIG.timeouts)).to.equal(true)
      expect(Object.isFrozen(DEFAULT_CONFIG.waf)).to.equal(true)
      expect(Object.isFrozen(DEFAULT_CONFIG.router)).to.equal(true)
    })
  })

  describe('resolveConfig()', () => {
    it('fills every default for an empty or absent configuration', () => {
      expect(resolveConfig()).to.deep.equal(EXPECTED_DEFAULTS)
      expect(resolveConfig({})).to.deep.equal(EXPECTED_DEFAULTS)
    })

    it('merges a partial section with the defaults of that section', () => {
      const config = resolveConfig({
        limits: { maxBodyBytes: 1024 },
        timeouts: { idleTimeoutMs: 5000 },
        router: { caseSensitive: false },
      })
      expect(config.limits).to.deep.equal({ ...EXPECTED_DEFAULTS.limits, maxBodyBytes: 1024 })
      expect(config.timeouts).to.deep.equal({ ...EXPECTED_DEFAULTS.timeouts, idleTimeoutMs: 5000 })
      expect(config.router).to.deep.equal({ ...EXPECTED_DEFAULTS.router, caseSensitive: false })
    })

    it('accepts serverHeader false and zero timeouts (disabled)', () => {
      const config = resolveConfig({ serverHeader: false, timeouts: { headerTimeoutMs: 0 }, shutdownTimeoutMs: 0 })
      expect(config.serverHeader).to.equal(false)
      expect(config.timeouts.headerTimeoutMs).to.equal(0)
      expect(config.shutdownTimeoutMs).to.equal(0)
    })

    const unknownKeys: [string, unknown][] = [
      ['port', { port: 8080 }],
      ['limits.maxBodyByte', { limits: { maxBodyByte: 1 } }],
      ['timeouts.idleTimeout', { timeouts: { idleTimeout: 1 } }],
      ['waf.level', { waf: { level: 'strict' } }],
      ['router.strict', { router: { strict: true } }],
    ]
    for (const [key, input] of unknownKeys) {
      it(`refuses the unknown key ${key} with ERR_CONFIG_UNKNOWN_KEY naming it`, () => {
        const err = thrown(() => resolveConfig(input))
        expect(err).to.be.instanceOf(UnknownConfigKeyError)
        expect((err as UnknownConfigKeyError).code).to.equal('ERR_CONFIG_UNKNOWN_KEY')
        expect((err as UnknownConfigKeyError).key).to.equal(key)
        expect((err as UnknownConfigKeyError).message).to.equal(`config ${key}: unknown key`)
      })
    }

    const badValues: [string, unknown, string][] = [
      ['config', 'gatehouse.json', 'config config: expected an object, got "gatehouse.json"'],
      ['limits', { limits: 5 }, 'config limits: expected an object, got 5'],
      [
        'limits.maxBodyBytes',
        { limits: { maxBodyBytes: -1 } },
        'config limits.maxBodyBytes: expected an integer >= 0, got -1',
      ],
      [
        'limits.maxBodyBytes',
        { limits: { maxBodyBytes: 1.5 } },
        'config limits.maxBodyBytes: expected an integer >= 0, got 1.5',
      ],
      [
        'limits.maxHeaderBytes',
        { limits: { maxHeaderBytes: 0 } },
        'config limits.maxHeaderBytes: expected an integer >= 1, got 0',
      ],
      [
        'timeouts.idleTimeoutMs',
        { timeouts: { idleTimeoutMs: '5s' } },
        'config timeouts.idleTimeoutMs: expected an integer >= 0, got "5s"',
      ],
      [
        'waf.mode',
        { waf: { mode: 'loud' } },
        'config waf.mode: expected one of off, monitor, basic, strict, got "loud"',
      ],
      ['waf.rules', { waf: { rules: 'sqli' } }, 'config waf.rules: expected an array of rules'],
      ['waf.onBlock', { waf: { onBlock: 'log' } }, 'config waf.onBlock: expected a function, got string'],
      [
        'router.caseSensitive',
        { router: { caseSensitive: 'yes' } },
        'config router.caseSensitive: expected true or false, got "yes"',
      ],
      [
        'router.maxParamLength',
        { router: { maxParamLength: 0 } },
        'config router.maxParamLength: expected an integer >= 1, got 0',
      ],
      [
        'serverHeader',
        { serverHeader: 'a\r\nX-Evil: 1' },
        'config serverHeader: expected a non-empty string of printable ASCII (space and tab allowed), or false; got "a\\r\\nX-Evil: 1"',
      ],
      [
        'serverHeader',
        { serverHeader: 'gatehouse \u2713' },
        'config serverHeader: expected a non-empty string of printable ASCII (space and tab allowed), or false; got "gatehouse \u2713"',
      ],
      [
        'serverHeader',
        { serverHeader: 'a\u0001b' },
        'config serverHeader: expected a non-empty string of printable ASCII (space and tab allowed), or false; got "a\\u0001b"',
      ],
      [
        'serverHeader',
        { serverHeader: '' },
        'config serverHeader: expected a non-empty string of printable ASCII (space and tab allowed), or false; got ""',
      ],
      ['smallWriteBytes', { smallWriteBytes: -5 }, 'config smallWriteBytes: expected an integer >= 0, got -5'],
      [
        'shutdownTimeoutMs',
        { shutdownTimeoutMs: null },
        'config shutdownTimeoutMs: expected an integer >= 0, got null',
      ],
    ]
    for (const [key, input, message] of badValues) {
      it(`refuses ${JSON.stringify(input)} with ERR_CONFIG_INVALID naming ${key}`, () => {
        const err = thrown(() => resolveConfig(input))
        expect(err).to.be.instanceOf(InvalidConfigError)
        expect((err as InvalidConfigError).code).to.equal('ERR_CONFIG_INVALID')
        expect((err as InvalidConfigError).status).to.equal(500)
        expect((err as InvalidConfigError).key).to.equal(key)
        expect((err as InvalidConfigError).message).to.equal(message)
      })
    }
  })

  describe('loadConfig()', () => {
    let dir: string

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'))
    })

    after(() => {
      rmSync(dir, { recursive: true, force: true })
    })

    it('reads a JSON file and fills the defaults', () => {
      const path = join(dir, 'good.json')
      writeFileSync(
        path,
        JSON.stringify({ limits: { maxBodyBytes: 2048 }, waf: { mode: 'strict' }, serverHeader: 'edge' }),
      )
      const config = loadConfig(path)
      expect(config).to.deep.equal({
        ...EXPECTED_DEFAULTS,
        limits: { ...EXPECTED_DEFAULTS.limits, maxBodyBytes: 2048 },
        waf: { mode: 'strict', rules: [], onBlock: undefined },
        serverHeader: 'edge',
      })
    })

    it('validates the file like resolveConfig, naming the dotted key', () => {
      const path = join(dir, 'typo.json')
      writeFileSync(path, '{"timeouts":{"idleTimeoutMS":1000}}')
      const err = thrown(() => loadConfig(path))
      expect(err).to.be.instanceOf(UnknownConfigKeyError)
      expect((err as UnknownConfigKeyError).key).to.equal('timeouts.idleTimeoutMS')
    })

    it('refuses a file that is not JSON with ERR_CONFIG_INVALID naming the file', () => {
      const path = join(dir, 'bad.json')
      writeFileSync(path, '{ limits: }')
      const err = thrown(() => loadConfig(path))
      expect(err).to.be.instanceOf(InvalidConfigError)
      expect((err as InvalidConfigError).code).to.equal('ERR_CONFIG_INVALID')
      expect((err as InvalidConfigError).key).to.equal('config')
      expect((err as InvalidConfigError).message).to.match(
        new RegExp(`^config config: ${literal(path)} is not valid JSON: `),
      )
    })

    it('refuses a missing file with ERR_CONFIG_INVALID naming the path', () => {
      const path = join(dir, 'missing.json')
      const err = thrown(() => loadConfig(path))
      expect(err).to.be.instanceOf(InvalidConfigError)
      expect((err as InvalidConfigError).message).to.match(
        new RegExp(`^config config: cannot read ${literal(path)}: ENOENT`),
      )
    })
  })
})

/** Escapes text for use as a literal inside a RegExp. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
