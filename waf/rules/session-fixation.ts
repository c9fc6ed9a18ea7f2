/**
 * Session fixation (OWASP CRS 943): an attacker hands a victim a link or a form that carries a
 * session id the attacker knows, or markup that sets a cookie.
 */

/** Session cookie names of frameworks and products that neither contain `sess` nor end in `sid`. */
const PRODUCT_SESSION_NAME = [
  'cfid|cftoken|cfsid|cakephp|zenid|oscsid|xtcsid|_zopeid|sap-contextid|mysap_sso2|shiny-token',
  'wordpress_logged_in_[0-9a-f]{0,32}',
].join('|')
/**
 * A name that carries a session id: `*sess*`, a `sid` component, the session cookies of ColdFusion,
 * CakePHP, Zope, SAP, Shiny, osCommerce and Zen Cart, a login token.
 */
const SESSION_NAME = new RegExp(`sess|(?:^|[._:-])sid$|^(?:${PRODUCT_SESSION_NAME})$|login[._-]?token$`)

/**
 * Whether a query or form parameter named `name` carries a session id. Session ids belong in
 * cookies; one in a parameter is how fixation links and cross-site forms plant them.
 *
 * @param name - the normalised (decoded, lower-cased) parameter name
 * @returns whether the name is a session-id name
 * @example
 * ```ts
 * isSessionName('jsessionid') // true
 * isSessionName('connect.sid') // true
 * isSessionName('side')       // false
 * ```
 */
export function isSessionName(name: string): boolean {
  return name.length >= 3 && SESSION_NAME.test(name)
}

/** `document.cookie =`, `<meta http-equiv="Set-Cookie" …>`: markup or script that sets a cookie. */
const SETS_COOKIE = /\.cookie\s{0,8}=(?!=)|http-equiv\s{0,8}=\s{0,8}["'`]?\s{0,8}set-cookie/

/**
 * Markup or script in a value that sets a cookie when reflected (OWASP CRS 943100).
 *
 * @param value - the normalised (decoded, lower-cased) value
 * @returns whether the value sets a cookie
 * @example
 * ```ts
 * setsCookie('<script>document.cookie="sid=1"</script>') // true
 * setsCookie('we use a cookie = a small file')           // false
 * ```
 */
export function setsCookie(value: string): boolean {
  return value.indexOf('cookie') !== -1 && SETS_COOKIE.test(value)
}
