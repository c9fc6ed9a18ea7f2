/** The Content-Type a response is given when its handler set none: text sent as a string. */
export const TEXT_TYPE = 'text/plain; charset=utf-8'

/** The Content-Type of a JSON body (`res.json()`, the `{"message": …}` error bodies). */
export const JSON_TYPE = 'application/json; charset=utf-8'

/** The Content-Type of bytes sent with no type of their own (RFC 9110 §8.3.1's fallback). */
export const BYTES_TYPE = 'application/octet-stream'
