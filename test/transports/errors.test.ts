import { expect } from 'chai'
import {
  ConcurrentReadError,
  InputEndedError,
  InvalidTransportOptionError,
  OutputNotReachedError,
  TransportError,
  integerOption,
  type TransportErrorCode,
} from '../../transports/errors.js'

const CATALOG: ReadonlyArray<[TransportError, TransportErrorCode, string, string]> = [
  [
    new InvalidTransportOptionError('chunkSize', 0, 'an integer ≥ 1'),
    'ERR_TRANSPORT_OPTION_INVALID',
    'InvalidTransportOptionError',
    'transport option chunkSize is 0; expected an integer ≥ 1',
  ],
  [
    new ConcurrentReadError('TlsTransport'),
    'ERR_TRANSPORT_CONCURRENT_READ',
    'ConcurrentReadError',
    'TlsTransport.read() called while another read is pending',
  ],
  [new InputEndedError(12), 'ERR_TRANSPORT_INPUT_ENDED', 'InputEndedError', 'push of 12 bytes after the input ended'],
  [
    new OutputNotReachedError('20 bytes', 7),
    'ERR_TRANSPORT_OUTPUT_NOT_REACHED',
    'OutputNotReachedError',
    'transport closed after 7 bytes of output while waiting for 20 bytes',
  ],
]

describe('transport errors', () => {
  for (const [err, code, name, message] of CATALOG) {
    it(`${name} has code ${code}, status 500 and a message naming the bad value`, () => {
      expect(err).to.be.instanceOf(TransportError)
      expect(err).to.be.instanceOf(Error)
      expect([err.code, err.status, err.name, err.message]).to.deep.equal([code, 500, name, message])
    })
  }

  it('gives every error a distinct code', () => {
    expect(new Set(CATALOG.map(([err]) => err.code)).size).to.equal(CATALOG.length)
  })

  describe('integerOption()', () => {
    it('returns the fallback when the option was left out', () => {
      expect(integerOption('chunkSize', undefined, 1, 64)).to.equal(64)
    })

    it('returns a value at the minimum', () => {
      expect(integerOption('chunkSize', 1, 1, undefined)).to.equal(1)
    })

    for (const value of [0, 2.5, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1]) {
      it(`throws InvalidTransportOptionError for ${value} when the minimum is 1`, () => {
        expect(() => integerOption('chunkSize', value, 1, undefined)).to.throw(
          InvalidTransportOptionError,
          `transport option chunkSize is ${value}; expected an integer ≥ 1`,
        )
      })
    }
  })
})
