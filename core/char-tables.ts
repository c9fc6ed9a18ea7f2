// Byte classes for the request parser, built once at load. A table lookup per byte is cheaper
// than a chain of range comparisons, and it keeps each RFC rule in one place.

/** Bytes the parsers compare against. */
export const CR = 13
export const LF = 10
export const SP = 32
export const HTAB = 9

/** RFC 9110 §5.6.2 tchar: "!#$%&'*+-.^_`|~" / DIGIT / ALPHA. */
export const TCHAR = new Uint8Array(256)
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1

/**
 * RFC 9110 §5.5 field-vchar / SP / HTAB: visible ASCII, obs-text (0x80–0xFF), space and tab.
 * Every other control, CR, LF and NUL among them, is refused inside a value.
 */
export const FIELD_VALUE_CHAR = new Uint8Array(256)
FIELD_VALUE_CHAR[0x09] = 1
for (let c = 0x20; c <= 0x7e; c++) FIELD_VALUE_CHAR[c] = 1
for (let c = 0x80; c <= 0xff; c++) FIELD_VALUE_CHAR[c] = 1

/** RFC 9112 §3.2 / RFC 3986: a request-target is visible ASCII only (no space, no control, no obs-text). */
export const TARGET_CHAR = new Uint8Array(256)
for (let c = 0x21; c <= 0x7e; c++) TARGET_CHAR[c] = 1

/** Hex digit values for chunk sizes (RFC 9112 §7.1); 255 marks a non-hex byte. */
export const HEX_VALUE = new Uint8Array(256).fill(255)
for (let c = 0; c <= 9; c++) HEX_VALUE[0x30 + c] = c
for (let c = 0; c < 6; c++) {
  HEX_VALUE[0x41 + c] = 10 + c
  HEX_VALUE[0x61 + c] = 10 + c
}
