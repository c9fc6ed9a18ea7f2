import { GatehouseError } from '../errors.js'

/** A form body `req.form()` cannot read: broken multipart framing, a bad boundary. Answered 400. */
export class InvalidFormError extends GatehouseError {
  readonly code = 'ERR_FORM_INVALID'
  readonly status = 400
  /** @param detail - what is wrong, in the parser's words */
  constructor(readonly detail: string) {
    super(`invalid form body: ${detail}`)
    this.name = 'InvalidFormError'
  }
}

/** A form body over one of `req.form()`'s limits (fields, files, parts, sizes). Answered 413. */
export class FormTooLargeError extends GatehouseError {
  readonly code = 'ERR_FORM_TOO_LARGE'
  readonly status = 413
  /**
   * @param limit - the limit's name, e.g. `fileBytes`
   * @param value - its value
   */
  constructor(
    readonly limit: string,
    readonly value: number,
  ) {
    super(`form body over its limit: ${limit} is ${value}`)
    this.name = 'FormTooLargeError'
  }
}

/** `req.form()` on a body that is neither urlencoded nor multipart. Answered 415. */
export class UnsupportedMediaTypeError extends GatehouseError {
  readonly code = 'ERR_UNSUPPORTED_MEDIA_TYPE'
  readonly status = 415
  /**
   * @param contentType - the request's Content-Type, or `undefined` when it had none
   * @param expected - what the reader takes, in words
   */
  constructor(
    readonly contentType: string | undefined,
    expected = 'a form (application/x-www-form-urlencoded or multipart/form-data)',
  ) {
    super(`expected ${expected}, got ${contentType === undefined ? 'no Content-Type' : JSON.stringify(contentType)}`)
    this.name = 'UnsupportedMediaTypeError'
  }
}
