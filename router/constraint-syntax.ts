import { ANY_BUT_NEWLINE, complement, DIGIT, single, SPACE, union, WORD, type CharRanges } from './char-ranges.js'

/**
 * A param constraint as a tree: the regular part of JavaScript's pattern syntax, which a finite
 * automaton can run in time linear in the value.
 *
 * @example
 * ```ts
 * const tree: ConstraintTree = { kind: 'repeat', item: { kind: 'set', ranges: [48, 57] }, min: 1, max: Infinity }
 * ```
 */
export type ConstraintTree =
  | { readonly kind: 'set'; readonly ranges: CharRanges }
  | { readonly kind: 'sequence'; readonly items: readonly ConstraintTree[] }
  | { readonly kind: 'choice'; readonly options: readonly ConstraintTree[] }
  | { readonly kind: 'repeat'; readonly item: ConstraintTree; readonly min: number; readonly max: number }
  | { readonly kind: 'start' }
  | { readonly kind: 'end' }

const QUANTIFIER = /^\{(\d+)(?:(,)(\d*))?\}/
const CONTROL_LETTER = /^[A-Za-z]$/
const HEX2 = /^[0-9A-Fa-f]{2}$/
const HEX4 = /^[0-9A-Fa-f]{4}$/

/**
 * Reads a constraint that JavaScript already accepted as a pattern (without flags) into a tree.
 * What no finite automaton can run is refused: backreferences and lookarounds; so are word
 * boundaries and the escapes whose meaning without the `u` flag surprises (`\p{L}` is `p{L}`).
 *
 * @param source - the text between the parentheses of `:name(...)`
 * @returns the tree
 * @throws string - the reason the constraint is refused; the caller wraps it in a typed error
 * @example
 * ```ts
 * parseConstraint('(\\w|\\d)+') // a repeat of a choice between two sets
 * parseConstraint('(a)\\1')     // throws 'constraint "(a)\\\\1" uses a backreference'
 * ```
 */
export function parseConstraint(source: string): ConstraintTree {
  return new ConstraintParser(source).parse()
}

class ConstraintParser {
  readonly #source: string
  #at = 0

  constructor(source: string) {
    this.#source = source
  }

  parse(): ConstraintTree {
    const tree = this.#choice()
    // JavaScript accepted the pattern, so only a stray ')' could stop the choice early; the
    // wrapper `^(?:…)$` would have failed to compile then.
    if (this.#at !== this.#source.length) this.#refuse(`has an unbalanced ")" at ${this.#at}`)
    return tree
  }

  #refuse(reason: string): never {
    throw `constraint ${JSON.stringify(this.#source)} ${reason}`
  }

  #peek(offset = 0): string {
    return this.#source.charAt(this.#at + offset)
  }

  #choice(): ConstraintTree {
    const options = [this.#sequence()]
    while (this.#peek() === '|') {
      this.#at++
      options.push(this.#sequence())
    }
    return options.length === 1 ? (options[0] as ConstraintTree) : { kind: 'choice', options }
  }

  #sequence(): ConstraintTree {
    const items: ConstraintTree[] = []
    while (this.#at < this.#source.length && this.#peek() !== '|' && this.#peek() !== ')') {
      items.push(this.#quantified(this.#atom()))
    }
    return items.length === 1 ? (items[0] as ConstraintTree) : { kind: 'sequence', items }
  }

  #quantified(item: ConstraintTree): ConstraintTree {
    let min: number
    let max: number
    const char = this.#peek()
    if (char === '*' || char === '+' || char === '?') {
      min = char === '+' ? 1 : 0
      max = char === '?' ? 1 : Infinity
      this.#at++
    } else {
      const match = char === '{' ? QUANTIFIER.exec(this.#source.slice(this.#at)) : null
      if (match === null) return item
      min = Number(match[1])
      max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3])
      this.#at += match[0].length
    }
    // A lazy quantifier finds another match first, but whether the whole value matches is the same.
    if (this.#peek() === '?') this.#at++
    return { kind: 'repeat', item, min, max }
  }

  #atom(): ConstraintTree {
    const char = this.#peek()
    this.#at++
    switch (char) {
      case '(':
        return this.#group()
      case '^':
        return { kind: 'start' }
      case '$':
        return { kind: 'end' }
      case '.':
        return { kind: 'set', ranges: ANY_BUT_NEWLINE }
      case '[':
        return { kind: 'set', ranges: this.#class() }
      case '\\':
        return { kind: 'set', ranges: this.#escape(false) }
      default:
        // Without the `u` flag, a `{` that starts no quantifier, `}` and `]` are themselves.
        return { kind: 'set', ranges: single(char.charCodeAt(0)) }
    }
  }

  #group(): ConstraintTree {
    if (this.#peek() === '?') {
      const kind = this.#peek(1)
      if (kind === ':') {
        this.#at += 2
      } else if (kind === '<' && this.#peek(2) !== '=' && this.#peek(2) !== '!') {
        this.#at = this.#source.indexOf('>', this.#at) + 1 // a named group: JavaScript checked the name
      } else {
        this.#refuse('uses a lookaround, which the router does not run')
      }
    }
    const inner = this.#choice()
    this.#at++ // the ')'
    return inner
  }

  /** Reads a class after its `[`, up to and with its `]`. */
  #class(): CharRanges {
    const negated = this.#peek() === '^'
    if (negated) this.#at++
    const parts: CharRanges[] = []
    while (this.#peek() !== ']') {
      const low = this.#classAtom()
      if (this.#peek() === '-' && this.#peek(1) !== ']' && this.#peek(1) !== '') {
        this.#at++
        const high = this.#classAtom()
        // A class escape at either end (`[\d-z]`) makes the `-` a member of its own (Annex B).
        if (low.length === 2 && high.length === 2 && low[0] === low[1] && high[0] === high[1]) {
          parts.push([low[0] as number, high[0] as number])
        } else {
          parts.push(low, single(45), high)
        }
      } else {
        parts.push(low)
      }
    }
    this.#at++ // the ']'
    const members = union(parts)
    return negated ? complement(members) : members
  }

  #classAtom(): CharRanges {
    const char = this.#peek()
    this.#at++
    return char === '\\' ? this.#escape(true) : single(char.charCodeAt(0))
  }

  /** Reads an escape after its backslash, inside a class or not. */
  #escape(inClass: boolean): CharRanges {
    const char = this.#peek()
    this.#at++
    switch (char) {
      case 'd':
        return DIGIT
      case 'D':
        return complement(DIGIT)
      case 'w':
        return WORD
      case 'W':
        return complement(WORD)
      case 's':
        return SPACE
      case 'S':
        return complement(SPACE)
      case 't':
        return single(9)
      case 'n':
        return single(10)
      case 'v':
        return single(11)
      case 'f':
        return single(12)
      case 'r':
        return single(13)
      case 'b':
        if (inClass) return single(8)
        return this.#refuse('uses a word boundary, which the router does not run')
      case 'B':
        return this.#refuse(`uses the escape \\B, which the router does not run`)
      case 'k':
        return this.#refuse('uses a backreference')
      case 'c': {
        const letter = this.#peek()
        if (!CONTROL_LETTER.test(letter))
          return this.#refuse(`uses a "\\c" without a control letter at ${this.#at - 2}`)
        this.#at++
        return single(letter.charCodeAt(0) % 32)
      }
      case 'x':
        return single(this.#hex(2, HEX2))
      case 'u':
        return single(this.#hex(4, HEX4))
      case '0':
        if (/[0-9]/.test(this.#peek())) return this.#refuse(`uses a legacy octal escape at ${this.#at - 2}`)
        return single(0)
      default:
        if (char >= '1' && char <= '9') {
          return this.#refuse(inClass ? `uses a legacy octal escape at ${this.#at - 2}` : 'uses a backreference')
        }
        // Without the `u` flag an unknown letter is itself (`\p` is `p`): refused rather than guessed at.
        if (/[A-Za-z]/.test(char))
          return this.#refuse(`uses the escape \\${char}, which means only "${char}" without the u flag`)
        return single(char.charCodeAt(0))
    }
  }

  #hex(digits: number, shape: RegExp): number {
    const text = this.#source.slice(this.#at, this.#at + digits)
    if (!shape.test(text)) this.#refuse(`has an incomplete hexadecimal escape at ${this.#at - 2}`)
    this.#at += digits
    return parseInt(text, 16)
  }
}
