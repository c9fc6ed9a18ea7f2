/** A value that survives `JSON.stringify` and `JSON.parse` unchanged: what a session's data may be. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }
