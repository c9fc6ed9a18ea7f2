/**
 * The echo server the WAF corpus scorer talks to (`/work/shared/waf-corpus/README.md`): every method
 * and path answers 200 unless the WAF blocks. Run by hand:
 *
 *   npm run build && node dist/bench/waf/echo-server.js --mode strict --port 3000
 *   node ../shared/waf-corpus/score.mjs --port 3000 [--list-misses]
 *
 * `--mode` is `strict` (default) or `basic`; `--log` prints every block's rule and normalized value.
 */
import { App } from '../../core/app/app.js'
import type { WafMode } from '../../waf/waf-mode.js'

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`)
  return at === -1 || at + 1 >= process.argv.length ? fallback : process.argv[at + 1]
}

const mode = option('mode', 'strict') as WafMode
const port = Number(option('port', '3000'))
const log = process.argv.includes('--log')

const app = new App({
  waf: {
    mode,
    ...(log
      ? {
          onBlock: (e) =>
            console.log(`${e.ruleId}\t${e.category}\t${JSON.stringify(e.matched)}\t${e.requestLine.slice(0, 200)}`),
        }
      : {}),
  },
})
app.all('/*', (_req, res) => res.status(200).text('ok'))
app.notFound((_req, res) => res.status(200).text('ok'))
await app.listen({ port, host: '127.0.0.1' })
console.log(`echo server, waf ${mode}, listening on 127.0.0.1:${port}`)
