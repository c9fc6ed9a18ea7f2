/**
 * A deterministic TLS 1.2 ClientHello record for `localhost`, with no LF byte in it, for sending
 * TLS to a plain-HTTP port.
 * @returns the record's bytes
 */
export function clientHello(): Buffer {
  const sni = Buffer.from('localhost', 'latin1')
  const serverName = Buffer.concat([
    Buffer.from([0x00, 0x00, 0x00, sni.length + 5, 0x00, sni.length + 3, 0x00, 0x00, sni.length]),
    sni,
  ])
  const body = Buffer.concat([
    Buffer.from([0x03, 0x03]), // client version TLS 1.2
    Buffer.alloc(32, 0x11), // random
    Buffer.from([0x00]), // no session id
    Buffer.from([0x00, 0x04, 0xc0, 0x2f, 0x13, 0x01]), // two cipher suites
    Buffer.from([0x01, 0x00]), // null compression
    Buffer.from([0x00, serverName.length]),
    serverName,
  ])
  const handshake = Buffer.concat([Buffer.from([0x01, 0x00, 0x00, body.length]), body])
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00, handshake.length]), handshake])
}
