/**
 * Where Gatehouse and llhttp (node's parser) may answer the same bytes differently, and why RFC 9112
 * and RFC 9110 support Gatehouse. The fuzzer sorts every disagreement into one of these classes by
 * the test its `id` names in `classify.ts`; one it cannot sort is a bug to look at.
 */
export interface AcceptedDifference {
  readonly id: string
  /** What Gatehouse does. */
  readonly gatehouse: string
  /** What llhttp does. */
  readonly llhttp: string
  /** The section that lets (or makes) Gatehouse do it. */
  readonly rfc: string
}

export const ACCEPTED_DIFFERENCES: readonly AcceptedDifference[] = [
  {
    id: 'host-count',
    gatehouse: '400 for an HTTP/1.1 request without Host, or any request with several',
    llhttp: 'accepts',
    rfc: 'RFC 9112 §3.2',
  },
  {
    id: 'host-invalid',
    gatehouse:
      '400 for a Host that is not uri-host [":" port] (userinfo, path, whitespace…) or whose port is above 65535',
    llhttp: 'accepts any field value',
    rfc: 'RFC 9112 §3.2, RFC 9110 §7.2, RFC 3986 §3.2.2',
  },
  {
    id: 'authority-invalid',
    gatehouse:
      '400 for an absolute-form target with userinfo or no host, an empty Host beside it, or an authority-form target without a port',
    llhttp: 'accepts',
    rfc: 'RFC 9110 §4.2.1, §4.2.4; RFC 9112 §3.2.2, §3.2.3',
  },
  {
    id: 'target-form',
    gatehouse: '400 for a target in none of the four forms (e.g. `*` with GET, `hello`, a fragment-only path)',
    llhttp: 'accepts many',
    rfc: 'RFC 9112 §3.2',
  },
  {
    id: 'content-type-duplicate',
    gatehouse: '400 for a second Content-Type field',
    llhttp: 'accepts',
    rfc: 'RFC 9110 §8.3, §5.3 (a singleton field)',
  },
  {
    id: 'expect-unknown',
    gatehouse: '417 for an expectation other than 100-continue',
    llhttp: 'accepts (node answers 417 later)',
    rfc: 'RFC 9110 §10.1.1',
  },
  {
    id: 'transfer-coding-unknown',
    gatehouse: '501 for a transfer coding other than chunked',
    llhttp: 'accepts and passes it through',
    rfc: 'RFC 9112 §6.1, RFC 9110 §15.6.2',
  },
  {
    id: 'transfer-encoding-http10',
    gatehouse: '400 for Transfer-Encoding in HTTP/1.0',
    llhttp: 'accepts',
    rfc: 'RFC 9112 §6.1 (the framing is faulty)',
  },
  {
    id: 'size-limit',
    gatehouse: '413 the moment a chunk size or Content-Length value crosses the body limit',
    llhttp: 'waits for the data, or refuses at 2^64',
    rfc: 'RFC 9112 §7.1 (anticipate large numerals), RFC 9110 §15.5.14',
  },
  {
    id: 'version',
    gatehouse: '505 for an HTTP version other than 1.0 and 1.1',
    llhttp: 'accepts some (0.9, 2.0…) or refuses',
    rfc: 'RFC 9110 §2.5, §15.6.6',
  },
  {
    id: 'head-limit',
    gatehouse: '431/414 by its own count of head bytes (whole head, terminator included) and of fields',
    llhttp: 'counts a different set of bytes',
    rfc: "RFC 9110 §15.5.14, RFC 6585 §5 (limits are the server's)",
  },
  {
    id: 'extension-method',
    gatehouse: "accepts any method token (405/501 is the router's answer)",
    llhttp: 'refuses methods outside its list',
    rfc: 'RFC 9110 §9.1, §16.1 (method = token)',
  },
  {
    id: 'content-length-identical',
    gatehouse: 'accepts several identical Content-Length values',
    llhttp: 'refuses',
    rfc: 'RFC 9110 §8.6 (a recipient may accept identical values)',
  },
  {
    id: 'chunk-bws',
    gatehouse: 'accepts BWS before `;` and around `=` in a chunk extension',
    llhttp: 'refuses spaces after the size',
    rfc: 'RFC 9112 §7.1.1 (BWS)',
  },
  {
    id: 'stray-line-end',
    gatehouse: '400 for a bare CR or LF, also where an empty line may precede a request',
    llhttp: 'skips any CR and LF before a request line',
    rfc: 'RFC 9112 §2.2 (a bare CR is invalid; a bare LF MAY be accepted, refusing it is the safe choice)',
  },
  {
    id: 'request-line-whitespace',
    gatehouse: "400 for anything but one SP between the request line's parts",
    llhttp: 'accepts several spaces',
    rfc: 'RFC 9112 §3 (single SP; autocorrecting whitespace is discouraged, §3.2 warns of the risk)',
  },
  {
    id: 'head-judged-whole',
    gatehouse:
      'judges a request line and its fields when the head is complete, refusing only a bare CR or LF, a bad first line start and size earlier; it waits (bounded by maxHeaderBytes and headerTimeoutMs)',
    llhttp: 'refuses at the first bad byte',
    rfc: 'RFC 9112 §2.2 (no order of checks is required)',
  },
  {
    id: 'token-prefix',
    gatehouse: 'waits while the bytes after a message can still begin a method token',
    llhttp: 'refuses them as an unknown method',
    rfc: 'RFC 9110 §9.1',
  },
  {
    id: 'http09',
    gatehouse: '400 for a request line without a version',
    llhttp: 'reads it as an HTTP/0.9 request',
    rfc: 'RFC 9112 §3, Appendix C.1 (HTTP/0.9 is not supported)',
  },
  {
    id: 'trailing-ows',
    gatehouse:
      'strips trailing SP and HTAB from every field value (`Content-Length: 4<HTAB>` is 4, `Connection: keep-alive<HTAB>` keeps alive)',
    llhttp: 'refuses the length or misses the token',
    rfc: 'RFC 9110 §5.5 (OWS is not part of a field value)',
  },
  {
    id: 'transfer-encoding-not-chunked',
    gatehouse: '400 for a request whose Transfer-Encoding does not end in chunked (CONNECT included)',
    llhttp: 'accepts it on a CONNECT or an upgrade',
    rfc: 'RFC 9112 §6.3 (item 4), §6.1',
  },
  {
    id: 'connect-content',
    gatehouse: '400 for a CONNECT with a Content-Length above 0 or a Transfer-Encoding',
    llhttp: 'accepts it and hands every byte after the head to the tunnel',
    rfc: 'RFC 9110 §9.3.6 (a CONNECT request has no content)',
  },
  {
    id: 'empty-list-elements',
    gatehouse: 'skips empty elements of a Transfer-Encoding list (`,chunked`, `chunked,`)',
    llhttp: 'refuses some',
    rfc: 'RFC 9110 §5.6.1.2 (a recipient MUST accept and ignore empty elements)',
  },
  {
    id: 'absolute-form-scheme',
    gatehouse: 'accepts any RFC 3986 scheme in an absolute-form target (digits, `+`, `-`, `.` after the first letter)',
    llhttp: 'accepts letters only',
    rfc: 'RFC 3986 §3.1',
  },
  {
    id: 'connection-close-wins',
    gatehouse: 'closes after a request whose Connection fields list `close` anywhere',
    llhttp: 'lets a later keep-alive win',
    rfc: 'RFC 9112 §9.6',
  },
  {
    id: 'chunked-twice',
    gatehouse: '400 for chunked applied more than once (`chunked, chunked`, or two fields)',
    llhttp: 'decodes it once',
    rfc: 'RFC 9112 §6.1 (a sender MUST NOT apply chunked more than once)',
  },
  {
    id: 'upgrade-http10',
    gatehouse: 'ignores Upgrade in an HTTP/1.0 request and serves it as a plain request (no 101 to a 1.0 client)',
    llhttp: 'reports an upgrade',
    rfc: 'RFC 9110 §7.8',
  },
  {
    id: 'upgrade-with-body',
    gatehouse: 'hands the connection over right after an upgrade (or CONNECT) head',
    llhttp: 'reads a body first',
    rfc: 'RFC 9110 §7.8, RFC 9112 §9.9 (a CONNECT has no body framing)',
  },
  {
    id: 'field-value-bytes',
    gatehouse: 'accepts obs-text and refuses every other control (DEL included) in a field value',
    llhttp: 'differs on DEL and some controls',
    rfc: 'RFC 9110 §5.5',
  },
  {
    id: 'target-bytes',
    gatehouse: 'accepts visible ASCII only in a target',
    llhttp: 'accepts some other bytes (obs-text, controls in lenient corners)',
    rfc: 'RFC 9112 §3.2, RFC 3986 §2',
  },
  {
    id: 'chunk-ext-grammar',
    gatehouse:
      '400 for a chunk extension outside the grammar (`;;`, `;=v`, a value that is neither token nor quoted-string)',
    llhttp: 'accepts some of them',
    rfc: 'RFC 9112 §7.1.1',
  },
  {
    id: 'obs-fold',
    gatehouse: '400 for a field line folded onto the next (obs-fold: CRLF then SP or HTAB)',
    llhttp: 'joins the folded lines into one value',
    rfc: 'RFC 9112 §5.2 (a server rejects obs-fold with 400 or replaces it with SP)',
  },
  {
    id: 'trailer-fields',
    gatehouse: 'reads trailer fields with the field grammar and returns them',
    llhttp: 'differs on some trailer bytes',
    rfc: 'RFC 9112 §7.1.2',
  },
]
