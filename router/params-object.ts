/**
 * Constructs empty params objects whose prototype chain holds no `Object.prototype`
 * (rou3's `NullProtoObj` idea): `new ParamsObject()` is as cheap as `{}` in V8,
 * cheaper than `Object.create(null)`, and keys such as `__proto__` stay plain data.
 *
 * @example
 * ```ts
 * const params = new ParamsObject()
 * params.id = '42'
 * ```
 */
export const ParamsObject = function ParamsObject() {} as unknown as new () => Record<string, string>
ParamsObject.prototype = Object.freeze(Object.create(null))

/** The params of every route without params: one shared, frozen, empty object. */
export const EMPTY_PARAMS: Readonly<Record<string, string>> = Object.freeze(new ParamsObject())
