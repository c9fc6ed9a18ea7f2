/**
 * Valid requests the fuzzer mutates and the split-invariance specification replays: each one a
 * connection's worth of bytes that both parsers accept whole. Among them the RFCs' own examples
 * (RFC 9112 §3.2.1–3.2.4 target forms, §7.1 chunked) and shapes from llhttp's request fixtures
 * (pipelining, trailers, extensions, quoted values, HTTP/1.0 keep-alive, long field values).
 */
export const SEEDS: readonly string[] = [
  'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /where?q=now HTTP/1.1\r\nHost: www.example.com\r\n\r\n',
  'GET http://www.example.org/pub/WWW/TheProject.html HTTP/1.1\r\nHost: www.example.org\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: www.example.org:8001\r\n\r\n',
  'HEAD /x HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n',
  'GET /hello.txt HTTP/1.1\r\nUser-Agent: curl/7.64.1\r\nHost: www.example.com\r\nAccept-Language: en, mi\r\n\r\n',
  'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello',
  'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n',
  'PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\nContent-Type: application/json\r\n\r\n{"n":12345}',
  'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
  'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n6;a;b="q \\" r"\r\n world\r\n0\r\nX-Sum: 11\r\nX-Other: 2\r\n\r\n',
  'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1e\r\nall your base are belong to us\r\n0\r\n\r\n',
  'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTrailer: Expires\r\n\r\n3\r\nabc\r\nA\r\n0123456789\r\n0\r\nExpires: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n',
  'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n',
  'POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /2 HTTP/1.1\r\nHost: a\r\n\r\n',
  'POST /1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /1 HTTP/1.1\r\nHost: a\r\n\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /old HTTP/1.0\r\n\r\n',
  'GET /ka HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /ka2 HTTP/1.0\r\n\r\n',
  'GET /close HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
  'GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n',
  'CONNECT server.example.com:80 HTTP/1.1\r\nHost: server.example.com:80\r\n\r\n',
  'DELETE /items/42 HTTP/1.1\r\nHost: api.example.com:8443\r\nAuthorization: Bearer abc.def\r\n\r\n',
  'PATCH /p HTTP/1.1\r\nHost: [::1]:8080\r\nContent-Length: 2\r\n\r\n{}',
  'GET /%E2%82%AC/a%20b?x=%2F&y=1#frag HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Spaces:   padded   \r\nX-Tab:\tv\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: a\r\nCookie: a=1; b=2\r\nCookie: c=3\r\nAccept: text/html, application/xhtml+xml;q=0.9, */*;q=0.8\r\n\r\n',
  'POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody',
  'GET /obs HTTP/1.1\r\nHost: a\r\nX-Latin: caf\xe9\r\n\r\n',
  'POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
]
