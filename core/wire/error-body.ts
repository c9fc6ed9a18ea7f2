/**
 * The JSON body of every error answer: `{"message": …}`, then any details (the WAF's `rule`, a
 * validator's `issues`). The fixed responses, the App's answers and `res.sendError()` all build it here.
 * @param message - what the client is told
 * @param details - more fields, e.g. `{ rule: 'sqli' }`; they never replace `message`
 * @returns the JSON text
 */
export function errorBody(message: string, details?: Readonly<Record<string, unknown>>): string {
  // `message` first, and the details cannot replace it.
  return JSON.stringify(details === undefined ? { message } : Object.assign({ message }, details, { message }))
}
