import { InvalidHeaderError } from '../errors.js'
import { TCHAR } from './char-tables.js'

/** Bits for the header names the serializer must know were set by the handler. */
export const HeaderFlag = {
  ContentType: 1,
  ContentLength: 2,
  Date: 4,
  Server: 8,
  Connection: 16,
  TransferEncoding: 32,
} as const

const FLAG_BY_NAME: Readonly<Record<string, number>> = Object.assign(Object.create(null) as Record<string, number>, {
  'content-type': HeaderFlag.ContentType,
  'content-length': HeaderFlag.ContentLength,
  date: HeaderFlag.Date,
  server: HeaderFlag.Server,
  connection: HeaderFlag.Connection,
  'transfer-encoding': HeaderFlag.TransferEncoding,
})

function checkName(name: string): void {
  if (name.length === 0) throw new InvalidHeaderError(name, 'the name is empty')
  for (let i = 0; i < name.length; i++) {
    if (TCHAR[name.charCodeAt(i)] !== 1 || name.charCodeAt(i) > 0x7f)
      throw new InvalidHeaderError(name, 'the name is not a token')
  }
}

/**
 * Response headers set by a handler: a flat `[name, value, …]` list in the order set, with flags
 * for the fields whose defaults the serializer adds only when absent.
 */
export class HeaderList {
  // Created by the first field set: most responses have none of the handler's own.
  #fields: string[] | null = null
  // The Content-Type the server chose (see `setDefaultType`): a slot, not a field line, so the
  // common response allocates no list. It is serialized last, after the handler's fields.
  #defaultType: string | undefined
  #flags = 0
  #ascii = true

  /** Whether every value is ASCII (so the head can be encoded together with a UTF-8 body). */
  get isAscii(): boolean {
    return this.#ascii
  }

  /** Whether no field has been set. */
  get isEmpty(): boolean {
    return this.#fields === null && this.#defaultType === undefined
  }

  /** @param flag - one of {@link HeaderFlag} */
  has(flag: number): boolean {
    return (this.#flags & flag) !== 0
  }

  /**
   * @param lowerName - the name in lower case
   * @returns the value, several joined by `, `, or `undefined`
   */
  get(lowerName: string): string | undefined {
    let found: string | undefined
    const fields = this.#fields
    if (fields !== null) {
      for (let i = 0; i < fields.length; i += 2) {
        if (fields[i]!.length === lowerName.length && fields[i]!.toLowerCase() === lowerName)
          found = found === undefined ? fields[i + 1] : `${found}, ${fields[i + 1]}`
      }
    }
    return found ?? (lowerName === 'content-type' ? this.#defaultType : undefined)
  }

  /**
   * Sets a field, replacing earlier ones of the same name, after validating name and values.
   * @throws InvalidHeaderError for a name that is not a token or a value with a control character
   */
  set(name: string, value: string | number | readonly string[]): void {
    checkName(name)
    // One value is the common case: checked and stored without a list made for it.
    const one = typeof value === 'object' ? undefined : typeof value === 'number' ? String(value) : value
    const values = one === undefined ? (value as readonly string[]) : undefined
    if (values === undefined) this.#checkValue(name, one)
    else for (const v of values) this.#checkValue(name, v)
    const lower = name.toLowerCase()
    const flag = FLAG_BY_NAME[lower] ?? 0
    if (
      flag === HeaderFlag.TransferEncoding &&
      (values === undefined
        ? one!.trim().toLowerCase() !== 'chunked'
        : values.length !== 1 || values[0]!.trim().toLowerCase() !== 'chunked')
    ) {
      // RFC 9112 §6.1: the server writes chunked only; another coding would not match the body.
      throw new InvalidHeaderError(name, `only chunked is written, not ${JSON.stringify(values?.join(', ') ?? one)}`)
    }
    if (
      flag === HeaderFlag.ContentLength &&
      (values === undefined ? !/^\d{1,15}$/.test(one!) : values.length !== 1 || !/^\d{1,15}$/.test(values[0]!))
    ) {
      throw new InvalidHeaderError(name, `not one length in bytes: ${JSON.stringify(values?.join(', ') ?? one)}`)
    }
    this.#remove(lower)
    // A Content-Type set replaces the one the server chose too (a send() that failed after choosing).
    if (flag === HeaderFlag.ContentType) this.#defaultType = undefined
    const fields = (this.#fields ??= [])
    if (values === undefined) fields.push(name, one!)
    else for (const v of values) fields.push(name, v)
    this.#flags |= flag
  }

  /**
   * Adds a field after any earlier ones of the same name (validated like {@link set}): each value
   * goes out as a field line of its own, never joined (RFC 6265 §3: `Set-Cookie` cannot be).
   * @throws InvalidHeaderError for a name that is not a token or a value with a control character
   */
  append(name: string, value: string | number | readonly string[]): void {
    checkName(name)
    if (typeof value !== 'object') {
      const one = typeof value === 'number' ? String(value) : value
      this.#checkValue(name, one)
      ;(this.#fields ??= []).push(name, one)
    } else {
      for (const v of value) this.#checkValue(name, v)
      const fields = (this.#fields ??= [])
      for (const v of value) fields.push(name, v)
    }
    this.#flags |= FLAG_BY_NAME[name.toLowerCase()] ?? 0
  }

  /**
   * Sets a field whose name and value were checked once already (a feature's fixed fields, built
   * at registration), replacing earlier ones of the same name: what {@link set} does, minus the
   * checks. The name must be a token without a {@link HeaderFlag}, the value ASCII without controls.
   * @param name - the name as sent
   * @param lowerName - the same name in lower case
   * @param value - the value
   */
  setChecked(name: string, lowerName: string, value: string): void {
    this.#remove(lowerName)
    ;(this.#fields ??= []).push(name, value)
  }

  /**
   * Adds a field checked once already, as {@link setChecked} does, after earlier ones of its name.
   * @param name - the name as sent (a token without a {@link HeaderFlag})
   * @param value - the value (ASCII without controls)
   */
  appendChecked(name: string, value: string): void {
    ;(this.#fields ??= []).push(name, value)
  }

  /**
   * @param lowerName - the name in lower case
   * @returns every value of that name, in order, each as it was set
   */
  getAll(lowerName: string): string[] {
    const values: string[] = []
    const fields = this.#fields
    if (fields !== null)
      for (let i = 0; i < fields.length; i += 2)
        if (fields[i]!.length === lowerName.length && fields[i]!.toLowerCase() === lowerName)
          values.push(fields[i + 1]!)
    if (values.length === 0 && lowerName === 'content-type' && this.#defaultType !== undefined)
      values.push(this.#defaultType)
    return values
  }

  /**
   * Removes every field of that name.
   * @param lowerName - the name in lower case
   */
  delete(lowerName: string): void {
    this.#remove(lowerName)
    if (lowerName === 'content-type') this.#defaultType = undefined
    const flag = FLAG_BY_NAME[lowerName]
    if (flag !== undefined) this.#flags &= ~flag
  }

  /**
   * Sets the Content-Type the server chose because the handler set none (already valid, ASCII).
   * @param value - the media type
   */
  setDefaultType(value: string): void {
    this.#defaultType = value
    this.#flags |= HeaderFlag.ContentType
  }

  /** Whether a Connection field set by the handler holds the `close` option. */
  saysClose(): boolean {
    return this.has(HeaderFlag.Connection) && /(^|,)\s*close\s*(,|$)/i.test(this.get('connection') ?? '')
  }

  /**
   * @param omit - {@link HeaderFlag}s whose fields are left out (a chunked coding an HTTP/1.0 client
   *   cannot read, a Connection that the connection's fate overrides)
   * @returns the fields as `Name: value\r\n` lines
   */
  serialize(omit = 0): string {
    const fields = this.#fields
    let out = ''
    if (fields !== null) {
      for (let i = 0; i < fields.length; i += 2) {
        if (omit !== 0 && ((FLAG_BY_NAME[fields[i]!.toLowerCase()] ?? 0) & omit) !== 0) continue
        out += `${fields[i]}: ${fields[i + 1]}\r\n`
      }
    }
    return this.#defaultType === undefined ? out : `${out}Content-Type: ${this.#defaultType}\r\n`
  }

  #remove(lower: string): void {
    const fields = this.#fields
    if (fields === null) return
    for (let i = fields.length - 2; i >= 0; i -= 2) {
      // Names of another length cannot match: most are never lower-cased.
      if (fields[i]!.length === lower.length && fields[i]!.toLowerCase() === lower) fields.splice(i, 2)
    }
  }

  #checkValue(name: string, value: unknown): void {
    if (typeof value !== 'string')
      throw new InvalidHeaderError(name, `expected a string or number, got ${typeof value}`)
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i)
      // RFC 9110 §5.5: CR, LF and NUL would split the response; other controls are invalid too.
      if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) {
        throw new InvalidHeaderError(name, `the value has a forbidden character (code ${c}) at index ${i}`)
      }
      if (c > 0x7f) this.#ascii = false
    }
  }
}
