import type busboy from 'busboy'
import { createRequire } from 'node:module'
import type { Readable } from 'node:stream'
import { FormTooLargeError, InvalidFormError, UnsupportedMediaTypeError } from './form-errors.js'

/** Limits and the file handler of `req.form()`. */
export interface FormOptions {
  /** Most non-file fields. Default 100. */
  maxFields?: number
  /** Longest field value in bytes. Default 65536. */
  maxFieldBytes?: number
  /** Most files. Default 10. */
  maxFiles?: number
  /** Largest file in bytes. Default 10 MiB. */
  maxFileBytes?: number
  /** Most parts (fields and files). Default 200. */
  maxParts?: number
  /**
   * Receives each file as a stream, as it arrives (on `streamBody` routes nothing is buffered);
   * the form settles once every handler has. Without it, files are read into `files[].data`.
   */
  onFile?: (file: FormFileStream) => void | Promise<void>
}

/** A file part as `onFile` gets it. */
export interface FormFileStream {
  /** The form field's name. */
  readonly field: string
  /** The file name the client gave (never a path to trust). */
  readonly filename: string
  /** Its Content-Type. */
  readonly type: string
  /** Its bytes; read it to the end (or `resume()` it) for the form to go on. */
  readonly stream: Readable
}

/** A file part read whole. */
export interface FormFile {
  /** The form field's name. */
  readonly field: string
  /** The file name the client gave, as sent (never a path to trust). */
  readonly filename: string
  /** The part's Content-Type, as sent. */
  readonly type: string
  /** The file's bytes. */
  readonly data: Buffer
}

/** What `req.form()` resolves with. */
export interface FormBody {
  /** Field values by name; with a repeated name the last one wins (see `all`). */
  readonly fields: Record<string, string>
  /** Every field as `[name, value]`, in order. */
  readonly all: [string, string][]
  /** Files read whole (empty when `onFile` was given). */
  readonly files: FormFile[]
}

const MIB = 1024 * 1024

let busboyLibrary: typeof busboy | undefined

/**
 * busboy, loaded at the first form read rather than when the package is imported, like every
 * dependency an App may never use.
 */
function formParser(): typeof busboy {
  busboyLibrary ??= createRequire(import.meta.url)('busboy') as typeof busboy
  return busboyLibrary
}

/**
 * Reads a urlencoded or multipart form with busboy, every limit enforced as the bytes arrive.
 * @param contentType - the request's Content-Type
 * @param body - the body's pieces
 * @param options - limits and the file handler
 * @returns fields and files
 * @throws UnsupportedMediaTypeError (415) for another type, InvalidFormError (400) for a broken
 *   form, FormTooLargeError (413) over a limit
 */
export async function readForm(
  contentType: string | undefined,
  body: AsyncIterable<Buffer>,
  options: FormOptions = {},
): Promise<FormBody> {
  if (
    contentType === undefined ||
    !/^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i.test(contentType)
  ) {
    throw new UnsupportedMediaTypeError(contentType)
  }
  const limits = {
    fields: options.maxFields ?? 100,
    fieldSize: options.maxFieldBytes ?? 64 * 1024,
    files: options.maxFiles ?? 10,
    fileSize: options.maxFileBytes ?? 10 * MIB,
    parts: options.maxParts ?? 200,
  }
  let parser: busboy.Busboy
  try {
    parser = formParser()({ headers: { 'content-type': contentType }, limits, defParamCharset: 'utf8' })
  } catch (err) {
    throw new InvalidFormError((err as Error).message)
  }
  const fields: Record<string, string> = Object.create(null) as Record<string, string>
  const all: [string, string][] = []
  const files: FormFile[] = []
  const pending: Promise<void>[] = []
  let failure: Error | undefined
  const fail = (err: Error): void => {
    failure ??= err
    parser.removeAllListeners('file')
  }
  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) return fail(new FormTooLargeError('maxFieldBytes', limits.fieldSize))
    fields[name] = value
    all.push([name, value])
  })
  parser.on('file', (field, stream, info) => {
    stream.on('limit', () => fail(new FormTooLargeError('maxFileBytes', limits.fileSize)))
    // A body that ends inside a file part destroys the part's stream with the parser's error: a
    // stream with no 'error' listener would throw it past the request, out of the process. The
    // parser reports the same error, so the form fails with it either way.
    stream.on('error', (err: Error) => fail(new InvalidFormError(err.message)))
    const file = { field, filename: info.filename ?? '', type: info.mimeType }
    if (options.onFile !== undefined) {
      pending.push(Promise.resolve(options.onFile({ ...file, stream })).catch((err: unknown) => fail(err as Error)))
      return
    }
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => {
      if (!(stream as { truncated?: boolean }).truncated) files.push({ ...file, data: Buffer.concat(chunks) })
    })
  })
  parser.on('fieldsLimit', () => fail(new FormTooLargeError('maxFields', limits.fields)))
  parser.on('filesLimit', () => fail(new FormTooLargeError('maxFiles', limits.files)))
  parser.on('partsLimit', () => fail(new FormTooLargeError('maxParts', limits.parts)))
  const finished = new Promise<void>((resolve, reject) => {
    parser.on('close', resolve)
    parser.on('error', (err: Error) => reject(new InvalidFormError(err.message)))
  })
  finished.catch(() => undefined)
  for await (const chunk of body) {
    if (failure !== undefined || parser.destroyed) break
    // A parser that fails inside this write (a bad %-escape) is destroyed and never drains: it closes
    // instead, or a malformed form would hang until the handler timeout.
    if (!parser.write(chunk) && !parser.destroyed)
      await new Promise((resolve) => {
        parser.once('drain', resolve)
        parser.once('close', resolve)
      })
  }
  if (failure !== undefined) throw failure
  if (!parser.destroyed) parser.end()
  await finished
  await Promise.all(pending)
  if (failure !== undefined) throw failure
  return { fields, all, files }
}
