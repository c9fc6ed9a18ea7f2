import { expect } from 'chai'

/**
 * Runs `action` while `new Function` throws `error`, as it throws an EvalError under
 * `node --disallow-code-generation-from-strings`, and checks that code generation was attempted.
 *
 * @example
 * ```ts
 * const match = withoutCodeGeneration(new EvalError('disallowed'), () => compileMatcher(root, 100)) // null
 * ```
 */
export function withoutCodeGeneration<R>(error: Error, action: () => R): R {
  const original = globalThis.Function
  let attempts = 0
  globalThis.Function = function refuse(): never {
    attempts++
    throw error
  } as unknown as FunctionConstructor
  try {
    return action()
  } finally {
    globalThis.Function = original
    expect(attempts, 'code generation was attempted').to.be.greaterThan(0)
  }
}
