import { lookupBudget } from './lookup-budget.js'
import type { RadixNode } from './radix-node.js'
import { StaticSource } from './static-source.js'
import { TableSource } from './table-source.js'

/**
 * The body of `new Function('H', 'D', source)`, which returns the matcher, and its data.
 *
 * @example
 * ```ts
 * const { source, data }: MatcherSource = matcherSource(root, 100)
 * ```
 */
export interface MatcherSource {
  readonly source: string
  /** Values the source reads as `D[n]`: route hits, tables, param names, constraints. */
  readonly data: readonly unknown[]
}

/** Where the generated code stands in the path: a variable (`''` for none) plus a constant. */
interface Position {
  readonly base: string
  readonly offset: number
}

/** The code below one child of a node, and the variables of the code around it that it reads. */
interface Piece {
  code: string
  readonly variables: string
}

const SLASH = 47 // '/'
// The code of a node's children moves to functions of their own ("chunks"), largest first, until
// the node's code is about this many chars. V8 optimises no function over 60 KiB of bytecode
// (--max-optimized-bytecode-size), and its optimising time grows faster than a function's size:
// on the 484-route set, 12 KiB chunks took about 1.4 s of compiler time, 3 KiB ones 0.8 s, with
// the same speed once optimised (bench/router/lookup.ts, same run).
const CHUNK_CHARS = 3 * 1024
// A piece shorter than this stays inline: the call would cost more than the size saves.
const CHUNK_MIN_CHARS = 512

/**
 * Writes the source of a matcher specialised to a tree: each node becomes inline code, tried in
 * the walk's priority order (static edge, constrained params, plain param, wildcard), and a failed
 * branch backtracks by falling out of its block. Param values live in locals as start and end
 * offsets; the params object is built only on a hit.
 *
 * Nothing registered by a user becomes code: static text, names and methods are written as
 * `JSON.stringify` literals, constraints and stores are read from `D`.
 *
 * @param root - the router's tree, with static text already case-folded when the router ignores case
 * @param maxParamLength - longest raw param value that may match
 * @param maxSteps - the most steps a lookup may take (see `lookupBudget`)
 * @returns the source and the values it reads
 * @example
 * ```ts
 * const { source, data } = matcherSource(root, 100)
 * const match = new Function('H', 'D', source)(helpers, data)
 * ```
 */
export function matcherSource<T>(
  root: RadixNode<T>,
  maxParamLength: number,
  maxSteps = lookupBudget.maxSteps,
): MatcherSource {
  const tables = new TableSource<T>(root)
  const statics = new StaticSource(tables)
  const writer = new NodeWriter(tables, statics, maxParamLength, maxSteps, countInnerParams(root))
  // The tree first: it collects the routes without params for the static lookup, and both
  // register the values and builders that the preamble binds.
  const tree = writer.node(root, { base: '', offset: 0 }, [], '')
  const lookup = statics.lookup()
  const source =
    `"use strict";${tables.preamble()}${writer.budget()}${writer.chunks()}` +
    `return function compiledMatch(m,p,k){const l=k.length;${tables.prologue()}${writer.budgetReset()}` +
    `${lookup}${tree}${tables.epilogue()}}`
  return { source, data: tables.data }
}

class NodeWriter<T> {
  readonly #tables: TableSource<T>
  readonly #statics: StaticSource<T>
  readonly #max: number
  readonly #maxSteps: number
  // Params followed by static text in their segment: each has a number below `#inner`, and a
  // failed place is remembered as `end * #inner + number` (see `lookupBudget`).
  readonly #inner: number
  #innerWritten = 0
  readonly #chunks: string[] = []

  constructor(
    tables: TableSource<T>,
    statics: StaticSource<T>,
    maxParamLength: number,
    maxSteps: number,
    innerParams: number,
  ) {
    this.#tables = tables
    this.#statics = statics
    this.#max = maxParamLength
    this.#maxSteps = maxSteps
    this.#inner = innerParams
  }

  /**
   * The steps `W` and failed places `F` of a lookup, shared by the matcher and its chunks; `''`
   * without params followed by static text.
   */
  budget(): string {
    return this.#inner === 0 ? '' : 'let W=0;const F=new Set();'
  }

  /** The start of a lookup's budget, in the matcher's body. */
  budgetReset(): string {
    return this.#inner === 0 ? '' : 'W=0;if(F.size!==0)F.clear();'
  }

  /** The declarations of the functions that pieces moved to. */
  chunks(): string {
    return this.#chunks.join('')
  }

  /**
   * Code that returns the first route below `node` for the rest of the path from `at`, or falls
   * through; `''` when nothing below has params. `text` is the path up to `at` while it is static.
   */
  node(node: RadixNode<T>, at: Position, bounds: readonly string[], text: string | null): string {
    const statics: RadixNode<T>[] = []
    const params: RadixNode<T>[] = []
    for (const child of node.children) (child.param === null ? statics : params).push(child)
    const staticPieces = statics.map((child) =>
      this.#piece(child, advance(at, child.prefix.length), bounds, text === null ? null : text + child.prefix),
    )
    const paramPieces = params.map((child) => {
      const bound = `s${bounds.length},${valueEnd(child, bounds.length)}`
      return this.#piece(child, { base: valueEnd(child, bounds.length), offset: 0 }, [...bounds, bound], null)
    })
    this.#fit([...staticPieces, ...paramPieces])
    const below = this.#staticChildren(statics, staticPieces, at) + this.#params(params, paramPieces, at, bounds.length)
    let code = below
    const table = node.table
    // A route without params is answered by the lookup of whole static paths, before the tree.
    if (table !== null && text !== null) this.#statics.add(text, table)
    else if (table !== null)
      code = `if(${expression(at)}===l){${this.#tables.answer(table, bounds)}}${below === '' ? '' : `else{${below}}`}`
    const wildcard = node.wildcardTable
    if (wildcard !== null) code += this.#tables.answer(wildcard, [...bounds, `${expression(at)},l`])
    return code
  }

  #piece(child: RadixNode<T>, at: Position, bounds: readonly string[], text: string | null): Piece {
    const names = new Set(bounds.flatMap((bound) => bound.split(',')))
    if (at.base !== '') names.add(at.base)
    return { code: this.node(child, at, bounds, text), variables: [...names].join(',') }
  }

  /** Moves the largest pieces to functions of their own until the rest fits in `CHUNK_CHARS`. */
  #fit(pieces: Piece[]): void {
    let total = pieces.reduce((sum, piece) => sum + piece.code.length, 0)
    const bySize = [...pieces].sort((a, b) => b.code.length - a.code.length)
    for (const piece of bySize) {
      if (total <= CHUNK_CHARS || piece.code.length < CHUNK_MIN_CHARS) return
      const name = `C${this.#chunks.length}`
      const args = `M,p,k,l${piece.variables === '' ? '' : `,${piece.variables}`}`
      this.#chunks.push(`function ${name}(${args}){${piece.code}}`)
      const call = `{const r=${name}(${args});if(r!==undefined)return r}`
      total -= piece.code.length - call.length
      piece.code = call
    }
  }

  // 1. Static: at most one child starts with the char at `at`. Children with nothing below but
  //    routes without params are left out: the static lookup answered those already.
  #staticChildren(children: readonly RadixNode<T>[], pieces: readonly Piece[], at: Position): string {
    const kept = children.flatMap((child, n) =>
      (pieces[n] as Piece).code === '' ? [] : [[child, (pieces[n] as Piece).code] as const],
    )
    const only = kept[0]
    if (only === undefined) return ''
    if (kept.length === 1) return `if(${edge(only[0].prefix, at, 0)}){${only[1]}}`
    let cases = ''
    for (const [child, below] of kept) {
      const rest = edge(child.prefix, at, 1)
      // Braces give each case its own scope for the constants declared below it.
      cases += `case ${child.prefix.charCodeAt(0)}:{${rest === '' ? below : `if(${rest}){${below}}`}break}`
    }
    return `switch(k.charCodeAt(${expression(at)})){${cases}}`
  }

  // 2. Params, constrained ones first (the children's order). A value is never empty and never holds a '/'.
  #params(children: readonly RadixNode<T>[], pieces: readonly Piece[], at: Position, index: number): string {
    if (children.length === 0) return ''
    const start = `s${index}`
    const end = `e${index}`
    let code =
      `const ${start}=${expression(at)};let ${end}=k.indexOf("/",${start});` +
      `if(${end}===-1)${end}=l;if(${end}!==${start}){`
    children.forEach((child, n) => {
      code += this.#param(child, (pieces[n] as Piece).code, index)
    })
    return `{${code}}}`
  }

  #param(child: RadixNode<T>, below: string, index: number): string {
    const start = `s${index}`
    const end = `e${index}`
    const constraint = child.param?.constraint ?? null
    // Constraints are tested on the matched text, case-folded or not, as the walk does.
    const test = (stop: string): string =>
      constraint === null ? '' : `${this.#tables.ref(constraint)}.matches(k,${start},${stop})`
    const inner = innerStatics(child)
    if (inner.length === 0) {
      // The value runs to the end of the segment: one candidate only.
      return `if(${end}-${start}<=${this.#max}${constraint === null ? '' : `&&${test(end)}`}){${below}}`
    }
    // Static text follows inside the segment (`:name.:ext`): try each place it may start, shortest value first.
    const stop = valueEnd(child, index)
    const last = `z${index}`
    const starts = inner.map((next) => `c!==${next.prefix.charCodeAt(0)}`).join('&&')
    // As the walk does: each place is a step, and so is each code unit the constraint reads; a
    // place where what follows failed once is not tried again; past the budget, 404.
    const check =
      constraint === null
        ? ''
        : `W+=${stop}-${start};if(W>${this.#maxSteps})return $notFound;if(!${test(stop)})continue;`
    const place = `${stop}*${this.#inner}+${this.#innerWritten++}`
    return (
      `{const ${last}=Math.min(${end},${start}+${this.#max});for(let ${stop}=${start}+1;${stop}<=${last};${stop}++){` +
      `if(++W>${this.#maxSteps})return $notFound;` +
      `if(${stop}<${end}){const c=k.charCodeAt(${stop});if(${starts})continue}` +
      `const q=${place};if(F.has(q))continue;${check}${below}F.add(q)}}`
    )
  }
}

/** How many param nodes of the tree are followed by static text in their segment. */
function countInnerParams<T>(node: RadixNode<T>): number {
  let count = node.param !== null && innerStatics(node).length !== 0 ? 1 : 0
  for (const child of node.children) count += countInnerParams(child)
  return count
}

/** The static children of a param node that continue its segment (`.` in `:name.:ext`). */
function innerStatics<T>(param: RadixNode<T>): RadixNode<T>[] {
  return param.children.filter((next) => next.param === null && next.prefix.charCodeAt(0) !== SLASH)
}

/** The variable holding where the value of a param node ends: the segment's end, or the loop's stop. */
function valueEnd<T>(param: RadixNode<T>, index: number): string {
  return innerStatics(param).length === 0 ? `e${index}` : `j${index}`
}

function expression(at: Position): string {
  if (at.base === '') return String(at.offset)
  return at.offset === 0 ? at.base : `${at.base}+${at.offset}`
}

function advance(at: Position, by: number): Position {
  return { base: at.base, offset: at.offset + by }
}

/** The condition that `text`, from its char `from` on, is in the path at `at`. */
function edge(text: string, at: Position, from: number): string {
  if (from === text.length) return ''
  // A single char ('/' mostly) is one load. Longer text is one slice and one string compare: V8
  // expands every charCodeAt into a walk over string representations, and a matcher's speed is
  // bound by how much of its code the CPU must fetch.
  if (from === text.length - 1) return `k.charCodeAt(${expression(advance(at, from))})===${text.charCodeAt(from)}`
  const rest = `k.slice(${expression(advance(at, from))},${expression(advance(at, text.length))})`
  return `${rest}===${JSON.stringify(text.slice(from))}`
}
