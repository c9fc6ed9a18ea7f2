/**
 * Request shapes llhttp's own fixtures (test/request/*.md in nodejs/llhttp) check, written again
 * here with CRLF line ends and a Host, each with what Gatehouse must answer. They are replayed
 * against both parsers: where llhttp answers otherwise, an accepted difference must explain it.
 */
export interface FixtureShape {
  readonly name: string
  readonly request: string
  /** Gatehouse's verdict: the messages it accepts, or the refusal. */
  readonly gatehouse: { readonly accepts: number } | { readonly refuses: string }
}

const CHUNKED = 'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n'

export const FIXTURE_SHAPES: readonly FixtureShape[] = [
  {
    name: 'lower- and upper-case chunk sizes',
    request: `${CHUNKED}a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n`,
    gatehouse: { accepts: 1 },
  },
  { name: 'a last chunk of three zeros', request: `${CHUNKED}5\r\nhello\r\n000\r\n\r\n`, gatehouse: { accepts: 1 } },
  {
    name: 'trailer fields',
    request: `${CHUNKED}5\r\nhello\r\n0\r\nVary: *\r\nContent-Type: text/plain\r\n\r\n`,
    gatehouse: { accepts: 1 },
  },
  {
    name: 'chunk extensions with and without values',
    request: `${CHUNKED}5;a;b=c;d=e\r\nhello\r\n6;f;g\r\n world\r\n0\r\n\r\n`,
    gatehouse: { accepts: 1 },
  },
  {
    name: 'quoted extension values with escapes and a semicolon',
    request: `${CHUNKED}5;a="I \\"x\\"; \\\\y\\\\";b="c";d\r\nhello\r\n0\r\n\r\n`,
    gatehouse: { accepts: 1 },
  },
  {
    name: 'an unbalanced quoted extension value',
    request: `${CHUNKED}5;a="abc";b="def; ghi\r\nhello\r\n0\r\n\r\n`,
    gatehouse: { refuses: 'Malformed' },
  },
  {
    name: 'an extension with no semicolon',
    request: `${CHUNKED}2 erfrferferf\r\naa\r\n0\r\n\r\n`,
    gatehouse: { refuses: 'Malformed' },
  },
  {
    name: 'a semicolon with no extension',
    request: `${CHUNKED}2;\r\naa\r\n0\r\n\r\n`,
    gatehouse: { refuses: 'Malformed' },
  },
  {
    name: 'an empty Transfer-Encoding beside Content-Length',
    request: 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\nContent-Length: 5\r\n\r\nhello',
    gatehouse: { refuses: 'Malformed' },
  },
  {
    name: 'an unknown transfer coding alone',
    request: 'PUT /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: pigeons\r\n\r\n',
    gatehouse: { refuses: 'Malformed' },
  },
  {
    name: 'Transfer-Encoding and Content-Length together',
    request: 'POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nWorld',
    gatehouse: { refuses: 'Malformed' },
  },
  {
    name: 'chunked not last',
    request: 'POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, deflate\r\n\r\n0\r\n\r\n',
    gatehouse: { refuses: 'Malformed' },
  },
  {
    name: 'a chunk size past 2^64',
    request: `${CHUNKED}${'f'.repeat(17)}\r\n`,
    gatehouse: { refuses: 'BodyTooLarge' },
  },
  {
    name: 'a Content-Length past 2^64',
    request: 'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616\r\n\r\n',
    gatehouse: { refuses: 'Malformed' },
  },
  {
    name: 'a Content-Length with a space inside',
    request: 'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 4 2\r\n\r\n',
    gatehouse: { refuses: 'Malformed' },
  },
  {
    name: 'pipelined requests with a Content-Length body',
    request: 'POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /2 HTTP/1.1\r\nHost: a\r\n\r\n',
    gatehouse: { accepts: 2 },
  },
  {
    name: 'Connection: close then more bytes',
    request: 'GET /1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n',
    gatehouse: { accepts: 1 },
  },
  {
    name: 'HTTP/1.0 keep-alive',
    request: 'GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n',
    gatehouse: { accepts: 2 },
  },
  {
    name: 'an Upgrade request',
    request: 'GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nbinary',
    gatehouse: { accepts: 1 },
  },
  {
    name: 'CONNECT',
    request: 'CONNECT host.example:443 HTTP/1.1\r\nHost: host.example:443\r\n\r\ntunnel',
    gatehouse: { accepts: 1 },
  },
  {
    name: 'a fragment in the target',
    request: 'GET /p?q=search#hey HTTP/1.1\r\nHost: a\r\n\r\n',
    gatehouse: { accepts: 1 },
  },
  {
    name: 'a space in a header name',
    request: 'GET / HTTP/1.1\r\nHost: a\r\nX Y: 1\r\n\r\n',
    gatehouse: { refuses: 'Malformed' },
  },
  { name: 'obs-fold', request: 'GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n', gatehouse: { refuses: 'Malformed' } },
  {
    name: 'a NUL in a header value',
    request: 'GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n',
    gatehouse: { refuses: 'Malformed' },
  },
  {
    name: 'a bare LF ending a field line',
    request: 'GET / HTTP/1.1\r\nHost: a\nX: 1\r\n\r\n',
    gatehouse: { refuses: 'Malformed' },
  },
  {
    name: 'empty lines before a request',
    request: '\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n',
    gatehouse: { accepts: 1 },
  },
  {
    name: 'a long field value',
    request: `GET / HTTP/1.1\r\nHost: a\r\nX: ${'v'.repeat(8000)}\r\n\r\n`,
    gatehouse: { accepts: 1 },
  },
]
