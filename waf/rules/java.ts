import { COMMONS_COLLECTIONS_GADGETS, Family, scanSignatures } from '../signatures.js'

/** Gadget names, and words that are Java gadgets in a base64 blob but everyday English in plain text. */
const BLOB_WORDS = [
  ...COMMONS_COLLECTIONS_GADGETS,
  'templatesimpl',
  'processbuilder',
  'getruntime',
  'xmldecoder',
  'urlclassloader',
  'runtime',
  'getproperty',
  'filewriter',
  'java.lang',
  'java.io',
  'javax.',
]
/** Root packages of the JDK and of the libraries that exploits load classes from. */
const JAVA_ROOT_PACKAGE = [
  String.raw`java|javax|jdk|sun|com\.sun`,
  String.raw`org\.apache|org\.springframework|com\.opensymphony|ognl|groovy|bsh`,
].join('|')
/** A Java name in code position: a package path with a class (`java.lang.Runtime`), not "java. Lang". */
const QUALIFIED = new RegExp(String.raw`(?:^|[^a-z0-9_.])(?:${JAVA_ROOT_PACKAGE})\.[a-z_$][a-z0-9_$]{0,40}\.[a-z_$]`)
const BASE64_TOKEN = /[A-Za-z0-9+/_-]{8,}/g
/** Every blob word as base64 at each of the three byte offsets, in each of its spellings, as one alternation. */
const ENCODED_WORDS = new RegExp(
  BLOB_WORDS.flatMap((word) => spellings(word).flatMap(base64Forms))
    .map(escape)
    .join('|'),
)

/**
 * Java deserialization and code injection: a fully qualified class of the JDK, Commons, Spring, OGNL
 * or Groovy in code position; a gadget-chain or reflection name; a serialized object stream (the
 * `AC ED 00 05` magic, raw or as hex); and any of those inside a base64 token (tried at its four
 * alignments, since a keyword encodes differently at each byte offset). Linear in the value.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @param cased - the value before lower-casing, which base64 needs
 * @param hits - the value's `scanSignatures` result, when the caller already has it
 * @returns whether the value carries Java code or a Java object for the server to load
 * @example
 * ```ts
 * detectJava('x', Buffer.from('java.lang.Runtime').toString('base64')) // true
 * detectJava('java is fun', 'Java is fun')                             // false
 * ```
 */
export function detectJava(value: string, cased: string, hits: number = scanSignatures(value)): boolean {
  if ((hits & Family.JavaGadget) !== 0) return true
  if (value.indexOf('.') !== -1 && QUALIFIED.test(value)) return true
  if (value.indexOf('\u00ac\u00ed\u0000\u0005') !== -1 || value.indexOf('aced0005') !== -1) return true
  // A base64 blob is one token: prose, with its spaces, is not searched for one.
  // A value that lower-casing left unchanged has no capital letter, so no token mixes cases.
  return cased.length >= 8 && cased !== value && cased.indexOf(' ') === -1 && hasEncodedGadget(cased)
}

function hasEncodedGadget(cased: string): boolean {
  BASE64_TOKEN.lastIndex = 0
  let match: RegExpExecArray | null
  while ((match = BASE64_TOKEN.exec(cased)) !== null) {
    // Base64 of text mixes cases; a plain lower-case word is not worth searching.
    if (/[A-Z]/.test(match[0]) && /[a-z]/.test(match[0]) && ENCODED_WORDS.test(match[0])) return true
  }
  return false
}

/** Lower-case, Capitalised and camelCase spellings (`processbuilder`, `Processbuilder`, `ProcessBuilder`). */
function spellings(word: string): string[] {
  const capital = word[0].toUpperCase() + word.slice(1)
  const camel = capital.replace(
    /(transformer|factory|closure|builder|runtime|property|writer|decoder|loader|impl)$/,
    (tail) => tail[0].toUpperCase() + tail.slice(1),
  )
  return [
    ...new Set([
      word,
      capital,
      camel,
      camel
        .replace('Getruntime', 'GetRuntime')
        .replace('Urlclass', 'URLClass')
        .replace('Xmldecoder', 'XMLDecoder')
        .replace('Getproperty', 'GetProperty'),
    ]),
  ]
}

/**
 * The characters that encode only `word`'s own bits when it sits at byte offset 0, 1 or 2 of a base64
 * stream: the partial characters at either end, shared with neighbouring bytes, are left out.
 */
function base64Forms(word: string): string[] {
  const forms: string[] = []
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.from('\0'.repeat(offset) + word + '\0\0').toString('base64')
    const first = Math.ceil((offset * 8) / 6)
    const end = Math.floor(((offset + word.length) * 8) / 6)
    forms.push(encoded.slice(first, end))
  }
  return forms
}

function escape(text: string): string {
  return text.replace(/[+/]/g, (c) => '\\' + c)
}
