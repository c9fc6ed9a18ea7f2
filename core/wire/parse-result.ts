/**
 * What the head parser and body decoders return: `Ok` (0), `Incomplete` (-1), or a negative error
 * that the Session maps to a fixed response. Numbers, not exceptions, because a malformed request
 * is an expected input, and throwing on the hot path would cost a stack trace per bad request.
 */
export const ParseResult = {
  Ok: 0,
  Incomplete: -1,
  Malformed: -2,
  HeadTooLarge: -3,
  TooManyHeaders: -4,
  TargetTooLong: -5,
  VersionNotSupported: -6,
  ExpectationFailed: -7,
  NotImplemented: -8,
  BodyTooLarge: -9,
} as const
