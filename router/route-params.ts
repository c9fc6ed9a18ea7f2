type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9'
type Lower =
  | 'a'
  | 'b'
  | 'c'
  | 'd'
  | 'e'
  | 'f'
  | 'g'
  | 'h'
  | 'i'
  | 'j'
  | 'k'
  | 'l'
  | 'm'
  | 'n'
  | 'o'
  | 'p'
  | 'q'
  | 'r'
  | 's'
  | 't'
  | 'u'
  | 'v'
  | 'w'
  | 'x'
  | 'y'
  | 'z'
/** The characters of a param name, as `parsePattern` reads them. */
type NameChar = Digit | Lower | Uppercase<Lower> | '_'

/** Splits `S` into the param name at its start and the text after it. */
type TakeName<S extends string, Name extends string = ''> = S extends `${infer C}${infer Rest}`
  ? C extends NameChar
    ? TakeName<Rest, `${Name}${C}`>
    : [Name, S]
  : [Name, '']

/** Drops a constraint `( ... )` at the start of `S`, counting nested groups and skipping escapes. */
type SkipConstraint<S extends string, Depth extends unknown[] = []> = S extends `${infer C}${infer Rest}`
  ? C extends '\\'
    ? Rest extends `${string}${infer AfterEscape}`
      ? SkipConstraint<AfterEscape, Depth>
      : ''
    : C extends '('
      ? SkipConstraint<Rest, [...Depth, unknown]>
      : C extends ')'
        ? Depth extends [unknown, ...infer Outer]
          ? Outer extends []
            ? Rest
            : SkipConstraint<Rest, Outer>
          : Rest
        : SkipConstraint<Rest, Depth>
  : ''

/** The names of the `:params` in a pattern (`::` is a literal colon). */
type ParamNames<S extends string> = S extends `${string}:${infer Rest}`
  ? Rest extends `:${infer AfterLiteral}`
    ? ParamNames<AfterLiteral>
    : TakeName<Rest> extends [infer Name extends string, infer After extends string]
      ? Name | ParamNames<After extends `(${string}` ? SkipConstraint<After> : After>
      : never
  : never

/** `'*'` when the pattern ends with the wildcard. */
type WildcardName<S extends string> = S extends `${string}*` ? '*' : never

/**
 * The params object of a route, inferred from its pattern literal.
 * A pattern typed as a plain `string` gives `Record<string, string>`.
 *
 * @example
 * ```ts
 * type A = RouteParams<'/users/:id'>          // { id: string }
 * type B = RouteParams<'/f/:name.:ext'>       // { name: string; ext: string }
 * type C = RouteParams<'/orders/:id(\\d+)'>   // { id: string }
 * type D = RouteParams<'/assets/*'>           // { '*': string }
 * ```
 */
export type RouteParams<Path extends string> = string extends Path
  ? Record<string, string>
  : { [Name in ParamNames<Path> | WildcardName<Path>]: string }
