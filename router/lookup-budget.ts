/**
 * The most steps one lookup may take (default 10,000), read when a router is constructed.
 * Internal, and not a `RouterOptions` key: tests lower it to find how much work a path needs.
 *
 * A step is one place tried for the end of a param followed by static text in its segment
 * (`:a-:b.json`), plus one per code unit its constraint reads there. Each place is tried once
 * per lookup (a continuation that failed is remembered), so a segment of n code units costs at
 * most about n × maxParamLength steps per such param; a lookup past the budget answers 404,
 * however its path was made to branch.
 *
 * @example
 * ```ts
 * lookupBudget.maxSteps = 100
 * const small = new Router<string>()
 * lookupBudget.maxSteps = 10_000
 * ```
 */
export const lookupBudget = { maxSteps: 10_000 }
