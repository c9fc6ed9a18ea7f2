import { createHmac, timingSafeEqual } from 'node:crypto'
import { InvalidOptionError } from '../errors.js'

/**
 * Signs cookie values with HMAC-SHA-256 so a client cannot forge or alter them, with key
 * rotation: values are signed with the first key and accepted under any of them, so a new key can
 * be put first while cookies signed with the old one still verify until it is dropped.
 *
 * A signed value is `value.signature` (base64url). Signing does not hide the value: it is still
 * readable by the client.
 *
 * @example
 * ```ts
 * const signer = new CookieSigner([process.env.COOKIE_KEY_NEW!, process.env.COOKIE_KEY_OLD!])
 * res.cookie('uid', '42', { signer, httpOnly: true })
 * const uid = req.signedCookie('uid', signer) // '42', or undefined when missing or tampered with
 * ```
 */
export class CookieSigner {
  readonly #keys: readonly string[]

  /**
   * @param keys - secrets, newest first; each at least 16 characters
   * @throws InvalidOptionError (`ERR_OPTION_INVALID`) when there is no key or one is too short
   */
  constructor(keys: readonly string[]) {
    if (!Array.isArray(keys) || keys.length === 0)
      throw new InvalidOptionError('CookieSigner', 'expected a list of one or more keys, newest first')
    for (const key of keys) {
      if (typeof key !== 'string' || key.length < 16)
        throw new InvalidOptionError('CookieSigner', 'every key must be a string of at least 16 characters')
    }
    this.#keys = [...keys]
  }

  /** @returns `value.signature`, signed with the newest key */
  sign(value: string): string {
    return `${value}.${mac(value, this.#keys[0]!)}`
  }

  /** @returns the value when its signature verifies under any key, otherwise `undefined` */
  unsign(signed: string): string | undefined {
    const dot = signed.lastIndexOf('.')
    if (dot < 0) return undefined
    const value = signed.slice(0, dot)
    const given = Buffer.from(signed.slice(dot + 1), 'utf8')
    for (const key of this.#keys) {
      const expected = Buffer.from(mac(value, key), 'utf8')
      if (expected.length === given.length && timingSafeEqual(expected, given)) return value
    }
    return undefined
  }
}

function mac(value: string, key: string): string {
  return createHmac('sha256', key).update(value).digest('base64url')
}
