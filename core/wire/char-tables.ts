// Byte classes for the request parser, built once at load. A table lookup per byte is cheaper
// than a chain of range comparisons, and it keeps each RFC rule in one place.

/** Carriage return, a byte the parsers compare against. */
export const CR = 13
/** Line feed. */
export const LF = 10
/** Space. */
export const SP = 32
/** Horizontal tab. */
export const HTAB = 9

/** RFC 9110 §5.6.2 tchar: "!#$%&'*+-.^_`|~" / DIGIT / ALPHA. */
export const TCHAR = new Uint8Array(256)
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1

/**
 * RFC 9110 §5.5 field-vchar / SP / HTAB: visible ASCII, obs-text (0x80–0xFF), space and tab; 0 marks
 * every other control, CR, LF and NUL among them, which are refused inside a value. Like the target's
 * table, it carries a bit the parser collects while it scans.
 */
export const FIELD_VALUE_CLASS = new Uint8Array(256)
/** Any byte allowed in a field value. */
export const FIELD_VALUE_PLAIN = 1
/** `%`: what a percent-encoded byte rides on. */
export const FIELD_VALUE_PERCENT = 2
FIELD_VALUE_CLASS[0x09] = FIELD_VALUE_PLAIN
for (let c = 0x20; c <= 0x7e; c++) FIELD_VALUE_CLASS[c] = FIELD_VALUE_PLAIN
for (let c = 0x80; c <= 0xff; c++) FIELD_VALUE_CLASS[c] = FIELD_VALUE_PLAIN
FIELD_VALUE_CLASS[0x25] = FIELD_VALUE_PLAIN | FIELD_VALUE_PERCENT

/**
 * RFC 9112 §3.2 / RFC 3986: a request-target is visible ASCII only (no space, no control, no
 * obs-text); 0 marks every other byte. The allowed ones carry bits the parser ORs together while it
 * scans, so that it learns for free what later stages would otherwise scan the target again for.
 */
export const TARGET_CLASS = new Uint8Array(256)
/** Any byte allowed in a target. */
export const TARGET_PLAIN = 1
/** `%`, `.` and `\`: what a percent-decoding or a dot segment rides on. */
export const TARGET_ESCAPE = 2
/** `?`: a query may follow. */
export const TARGET_QUERY = 4
for (let c = 0x21; c <= 0x7e; c++) TARGET_CLASS[c] = TARGET_PLAIN
for (const c of '%.\\') TARGET_CLASS[c.charCodeAt(0)] = TARGET_PLAIN | TARGET_ESCAPE
TARGET_CLASS[0x3f] = TARGET_PLAIN | TARGET_QUERY

/** Hex digit values for chunk sizes (RFC 9112 §7.1); 255 marks a non-hex byte. */
export const HEX_VALUE = new Uint8Array(256).fill(255)
for (let c = 0; c <= 9; c++) HEX_VALUE[0x30 + c] = c
for (let c = 0; c < 6; c++) {
  HEX_VALUE[0x41 + c] = 10 + c
  HEX_VALUE[0x61 + c] = 10 + c
}
