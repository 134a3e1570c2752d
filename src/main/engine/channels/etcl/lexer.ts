import { KEYWORDS, RESERVED_WORDS } from './ast'
import { ConstraintSyntaxError } from './constraint-syntax-error'

/**
 * Which rules apply to the next token. After `$` the parser reads in `component` mode, where `.`
 * is always a path separator and a digit run is an integer position (`$.1` is member #1, not the
 * float `.1`), keywords still end the path, and `_length`-style special names exist (§4.5.1).
 */
export type LexMode = 'expression' | 'component'

/** Punctuation and operators, longest first where prefixes overlap. */
export type Punct =
  | '=='
  | '!='
  | '<='
  | '>='
  | '<'
  | '>'
  | '+'
  | '-'
  | '*'
  | '/'
  | '~'
  | '('
  | ')'
  | '['
  | ']'
  | '.'
  | '$'

interface TokenBase {
  /** 1-based column of the first character. */
  column: number
  /** Offset just past the token, where the next token's whitespace starts. */
  end: number
  /** The token's source text, for messages. */
  text: string
}

/** One lexical token. */
export type Token =
  | (TokenBase & { kind: 'int'; value: bigint })
  | (TokenBase & { kind: 'float'; value: number })
  | (TokenBase & { kind: 'string'; value: string })
  | (TokenBase & { kind: 'ident'; value: string })
  | (TokenBase & { kind: 'keyword'; value: string })
  | (TokenBase & { kind: 'reserved'; value: string })
  | (TokenBase & { kind: 'bool'; value: boolean })
  | (TokenBase & { kind: 'special'; value: string })
  | (TokenBase & { kind: 'punct'; value: Punct })
  | (TokenBase & { kind: 'eof' })

/** Largest integer literal: CORBA `unsigned long long`; anything larger cannot be represented. */
export const MAX_INT_LITERAL = 2n ** 64n - 1n

const PUNCTS: readonly Punct[] = [
  '==',
  '!=',
  '<=',
  '>=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '~',
  '(',
  ')',
  '[',
  ']',
  '.',
  '$'
]

const WHITESPACE = new Set([' ', '\t', '\r', '\n', '\f'])
const STRING_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t' }

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9'
}

function isLetter(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
}

function isIdentPart(ch: string | undefined): boolean {
  return isLetter(ch) || isDigit(ch) || ch === '_'
}

/** How a token is named in "expected … but found …" messages. */
export function describeToken(token: Token): string {
  if (token.kind === 'eof') return 'end of input'
  if (token.kind === 'reserved') return `reserved word '${token.text}'`
  return `'${token.text}'`
}

/**
 * On-demand tokenizer: the parser asks for the next token in the mode its grammar position
 * needs, so the `$` component context needs no look-behind heuristics. Peeking does not consume,
 * and a peek in the other mode re-lexes from the same offset.
 */
export class Lexer {
  readonly #source: string
  #pos = 0
  #peeked: { mode: LexMode; token: Token } | null = null

  /** @param source - the constraint text */
  constructor(source: string) {
    this.#source = source
  }

  /** The next token in `mode`, without consuming it. */
  peek(mode: LexMode): Token {
    if (this.#peeked?.mode !== mode) this.#peeked = { mode, token: this.#lex(mode) }
    return this.#peeked.token
  }

  /** The next token in `mode`, consumed. */
  next(mode: LexMode): Token {
    const token = this.peek(mode)
    this.#pos = token.end
    this.#peeked = null
    return token
  }

  #lex(mode: LexMode): Token {
    const src = this.#source
    let pos = this.#pos
    while (pos < src.length && WHITESPACE.has(src[pos] as string)) pos++
    const column = pos + 1
    const ch = src[pos]
    if (ch === undefined) return { kind: 'eof', column, end: pos, text: '' }
    if (ch === "'") return this.#string(pos)
    if (isDigit(ch) || (mode === 'expression' && ch === '.' && isDigit(src[pos + 1]))) {
      return mode === 'component' ? this.#integer(pos) : this.#number(pos)
    }
    if (isLetter(ch) || ch === '\\') return this.#word(pos, mode)
    if (mode === 'component' && ch === '_' && isIdentPart(src[pos + 1])) {
      let end = pos + 1
      while (isIdentPart(src[end])) end++
      const text = src.slice(pos, end)
      return { kind: 'special', value: text, column, end, text }
    }
    const punct = PUNCTS.find((p) => src.startsWith(p, pos))
    if (punct !== undefined)
      return { kind: 'punct', value: punct, column, end: pos + punct.length, text: punct }
    throw this.#badCharacter(pos)
  }

  #badCharacter(pos: number): ConstraintSyntaxError {
    const ch = this.#source[pos] as string
    const column = pos + 1
    if (ch === '=') return new ConstraintSyntaxError(column, "'=='", "'='")
    if (ch === '!') return new ConstraintSyntaxError(column, "'!='", "'!'")
    if (ch === '"') return new ConstraintSyntaxError(column, 'a single-quoted string', `'"'`)
    return new ConstraintSyntaxError(column, 'a token', `'${ch}'`)
  }

  #string(start: number): Token {
    const src = this.#source
    let pos = start + 1
    let value = ''
    for (;;) {
      const ch = src[pos]
      if (ch === undefined) {
        throw new ConstraintSyntaxError(start + 1, 'a closing quote', 'end of input')
      }
      if (ch === "'") break
      if (ch === '\\') {
        const escaped = src[pos + 1]
        if (escaped === undefined) {
          throw new ConstraintSyntaxError(start + 1, 'a closing quote', 'end of input')
        }
        // TAO maps \n and \t; every other escaped character (\' and \\ included) stands for itself.
        value += STRING_ESCAPES[escaped] ?? escaped
        pos += 2
      } else {
        value += ch
        pos++
      }
    }
    const end = pos + 1
    return { kind: 'string', value, column: start + 1, end, text: src.slice(start, end) }
  }

  #digits(pos: number): number {
    while (isDigit(this.#source[pos])) pos++
    return pos
  }

  #integer(start: number): Token {
    const end = this.#digits(start)
    const text = this.#source.slice(start, end)
    const value = BigInt(text)
    if (value > MAX_INT_LITERAL) {
      throw new ConstraintSyntaxError(
        start + 1,
        `an integer no larger than ${MAX_INT_LITERAL}`,
        `'${text}'`
      )
    }
    return { kind: 'int', value, column: start + 1, end, text }
  }

  /**
   * Numbers accept the union of TAO's and JacORB's forms (§4.5.1 [rec]): `12`, `1.5`, `1.`, `.5`,
   * each with an optional exponent whose sign is optional, and `10e+2` without a point.
   */
  #number(start: number): Token {
    const src = this.#source
    let pos = this.#digits(start)
    let floating = false
    if (src[pos] === '.') {
      floating = true
      pos = this.#digits(pos + 1)
    }
    if (src[pos] === 'e' || src[pos] === 'E') {
      const afterSign = src[pos + 1] === '+' || src[pos + 1] === '-' ? pos + 2 : pos + 1
      // An `e` not followed by digits is not an exponent: leave it for the next token.
      if (isDigit(src[afterSign])) {
        floating = true
        pos = this.#digits(afterSign)
      }
    }
    if (!floating) return this.#integer(start)
    const text = src.slice(start, pos)
    const value = Number(text)
    if (!Number.isFinite(value)) {
      throw new ConstraintSyntaxError(start + 1, 'a finite floating literal', `'${text}'`)
    }
    return { kind: 'float', value, column: start + 1, end: pos, text }
  }

  #word(start: number, mode: LexMode): Token {
    const src = this.#source
    const escaped = src[start] === '\\'
    const first = escaped ? start + 1 : start
    if (!isLetter(src[first])) {
      const found = src[first] === undefined ? 'end of input' : `'${src[first]}'`
      throw new ConstraintSyntaxError(first + 1, 'an identifier after the backslash', found)
    }
    let end = first + 1
    while (isIdentPart(src[end])) end++
    const text = src.slice(start, end)
    const word = src.slice(first, end)
    const column = start + 1
    if (escaped) return { kind: 'ident', value: word, column, end, text }
    if (KEYWORDS.has(word)) return { kind: 'keyword', value: word, column, end, text }
    // Inside a path, TRUE and the preference words are ordinary member names.
    if (mode === 'component') return { kind: 'ident', value: word, column, end, text }
    if (word === 'TRUE' || word === 'FALSE') {
      return { kind: 'bool', value: word === 'TRUE', column, end, text }
    }
    if (RESERVED_WORDS.has(word)) return { kind: 'reserved', value: word, column, end, text }
    return { kind: 'ident', value: word, column, end, text }
  }
}
