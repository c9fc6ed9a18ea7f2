/**
 * Writes the one certificate every HTTPS benchmark server uses: `node make-cert.js <dir>` stores a
 * development certificate for 127.0.0.1 in `<dir>` (reusing a valid one) and prints its paths.
 */
import { ensureDevCertificate } from '../../index.js'

const dir = process.argv[2]
if (dir === undefined) throw new RangeError('usage: node make-cert.js <dir>')
const dev = await ensureDevCertificate({ dir })
console.log(`${dev.certPath} ${dev.keyPath}`)
