// EXPRESSION's signs of evaluation, by kind.
const ARITHMETIC = String.raw`\d\s{0,3}[*+/%-]\s{0,3}['"]?\d`
/** Jinja2 objects and filters that lead to Python internals. */
const JINJA_ESCAPE = String.raw`__|\bconfig\b|\bself\b|\brequest\b|lipsum|cycler|joiner|namespace|\|attr`
const CODE_EXECUTION = String.raw`constructor|popen|import|\bsystem\b|\bexec\b`
const JAVA_REFLECTION = String.raw`getclass|\.class\b|forname|runtime|processbuilder|\bt\(`
/** Log4j / Spring lookups: `${jndi:…}`, `${::-x}`, `${env:X}`. */
const LOOKUP = String.raw`jndi:|\$\{|::-|\b(?:lower|upper|env|sys|java|base64|date|main|ctx|bundle|k8s|docker|spring):`
const JAVA_TEMPLATE_OBJECT = 'freemarker|pagecontext|applicationscope|sessionscope|_self|getruntime'
/** Python and PHP modules, Smarty's own object, backticks and eval: ways out to the host language. */
const SCRIPT_ESCAPE =
  String.raw`\bos\.|subprocess|\bsmarty\b|\bphp\b|file\.(?:open|read)|\bio\.|` + '`' + String.raw`|\beval\b`
/** What inside a template expression means evaluation rather than a variable lookup. */
const EXPRESSION = new RegExp(
  [ARITHMETIC, JINJA_ESCAPE, CODE_EXECUTION, JAVA_REFLECTION, LOOKUP, JAVA_TEMPLATE_OBJECT, SCRIPT_ESCAPE].join('|'),
)
const OPENERS = /\{\{|\{%|\$\{|#\{|\*\{|@\{|~\{|@\(|\{\$|\{if\s|<%/g
const FREEMARKER_DIRECTIVE = String.raw`<#assign|<#import|\?new\(\)|freemarker\.template\.utility`
const VELOCITY_DIRECTIVE = String.raw`#set\s{0,4}\(\s{0,4}\$|#foreach\s{0,4}\(|\$class\.inspect`
const SMARTY_DIRECTIVE = String.raw`\{php\}|\{\/php\}|\{system\(`
const HANDLEBARS_DIRECTIVE = String.raw`\$\{\{|\$\{@|\{\{#with\s{1,4}["']`
/** Directives that only template engines and their exploits use. */
const DIRECTIVES = new RegExp(
  [FREEMARKER_DIRECTIVE, VELOCITY_DIRECTIVE, SMARTY_DIRECTIVE, HANDLEBARS_DIRECTIVE].join('|'),
)

/**
 * Server-side template injection: an expression opener of some engine (`{{ }}` Jinja/Twig/Angular,
 * `{% %}`, `${ }` EL/FreeMarker/Mako/Log4j, `#{ }`, `*{ }` Thymeleaf, `@( )` Razor, `<% %>` ERB/JSP,
 * Smarty, Velocity `#set`) whose content evaluates (`7*7`, dunder attributes, `config`, class
 * loading, lookups like `jndi:`). `{{ user.name }}` in a Vue or Handlebars snippet stays clean.
 * Each opener looks at most 256 characters ahead, so the scan is linear.
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @returns whether the value reads as a template injection
 * @example
 * ```ts
 * detectSsti('{{7*7}}')            // true
 * detectSsti('hello {{ name }}!')  // false
 * ```
 */
export function detectSsti(value: string): boolean {
  if (DIRECTIVES.test(value)) return true
  OPENERS.lastIndex = 0
  let match: RegExpExecArray | null
  while ((match = OPENERS.exec(value)) !== null) {
    const from = match.index + match[0].length
    const content = value.slice(from, from + 256)
    const close = closer(match[0])
    const end = content.indexOf(close)
    if (EXPRESSION.test(end === -1 ? content : content.slice(0, end))) return true
  }
  return false
}

function closer(opener: string): string {
  if (opener === '{{') return '}}'
  if (opener === '{%') return '%}'
  if (opener === '@(') return ')'
  if (opener === '<%') return '%>'
  return '}'
}
