import { PROTOCOL_ERRORS } from '../errors.js'

/**
 * What the head parser and body decoders return: `Ok` (0), `Incomplete` (-1), or a negative error
 * that the Session maps to a fixed response. Numbers, not exceptions, because a malformed request
 * is an expected input, and throwing on the hot path would cost a stack trace per bad request.
 * The error numbers are those of {@link PROTOCOL_ERRORS}, the one table of protocol errors.
 */
export const ParseResult = {
  Ok: 0,
  Incomplete: -1,
  Malformed: PROTOCOL_ERRORS.Malformed.result,
  HeadTooLarge: PROTOCOL_ERRORS.HeadTooLarge.result,
  TooManyHeaders: PROTOCOL_ERRORS.TooManyHeaders.result,
  TargetTooLong: PROTOCOL_ERRORS.TargetTooLong.result,
  VersionNotSupported: PROTOCOL_ERRORS.VersionNotSupported.result,
  ExpectationFailed: PROTOCOL_ERRORS.ExpectationFailed.result,
  NotImplemented: PROTOCOL_ERRORS.NotImplemented.result,
  BodyTooLarge: PROTOCOL_ERRORS.BodyTooLarge.result,
} as const
