import { describe, expect, it } from 'vitest'
import { ConstraintSyntaxError } from './constraint-syntax-error'
import { Lexer, type LexMode, type Token } from './lexer'

function tokens(source: string, mode: LexMode = 'expression'): Token[] {
  const lexer = new Lexer(source)
  const out: Token[] = []
  for (;;) {
    const token = lexer.next(mode)
    out.push(token)
    if (token.kind === 'eof') return out
  }
}

function kinds(source: string, mode: LexMode = 'expression'): string[] {
  return tokens(source, mode).map((t) =>
    t.kind === 'eof' ? 'eof' : `${t.kind}:${String(t.value)}`
  )
}

function syntaxError(source: string, mode: LexMode = 'expression'): ConstraintSyntaxError {
  try {
    tokens(source, mode)
  } catch (err) {
    if (err instanceof ConstraintSyntaxError) return err
    throw err
  }
  throw new Error(`no syntax error in ${source}`)
}

describe('Lexer', () => {
  it('skips space, tab, CR, LF and FF between tokens and reports 1-based columns', () => {
    const toks = tokens(' \t\r\n\f$x  ==\t3')
    expect(toks.map((t) => t.column)).toEqual([6, 7, 10, 13, 14])
  })

  it('reads keywords, booleans and identifiers case-sensitively', () => {
    expect(kinds('and or not in exist default TRUE FALSE true And x_1')).toEqual([
      'keyword:and',
      'keyword:or',
      'keyword:not',
      'keyword:in',
      'keyword:exist',
      'keyword:default',
      'bool:true',
      'bool:false',
      'ident:true',
      'ident:And',
      'ident:x_1',
      'eof'
    ])
  })

  it('lets a backslash turn a keyword or boolean into an identifier', () => {
    expect(kinds('\\and \\TRUE \\x')).toEqual(['ident:and', 'ident:TRUE', 'ident:x', 'eof'])
  })

  it('marks the Trader preference words as reserved', () => {
    expect(kinds('min max with first random')).toEqual([
      'reserved:min',
      'reserved:max',
      'reserved:with',
      'reserved:first',
      'reserved:random',
      'eof'
    ])
  })

  it.each([
    ['12', 'int:12'],
    ['1.5', 'float:1.5'],
    ['1.', 'float:1'],
    ['.5', 'float:0.5'],
    ['1.5e3', 'float:1500'],
    ['1.5e+2', 'float:150'],
    ['1.5E-1', 'float:0.15'],
    ['10e+2', 'float:1000'],
    ['10e2', 'float:1000'],
    ['18446744073709551615', 'int:18446744073709551615']
  ])('reads the number %s (union of the TAO and JacORB forms)', (source, expected) => {
    expect(kinds(source)).toEqual([expected, 'eof'])
  })

  it('keeps a floating literal floating even when integral', () => {
    const [token] = tokens('1.0')
    expect(token?.kind).toBe('float')
  })

  it('leaves an e without exponent digits for the next token', () => {
    expect(kinds('1e')).toEqual(['int:1', 'ident:e', 'eof'])
  })

  it('rejects integers beyond unsigned 64 bits and infinite floats', () => {
    expect(syntaxError('18446744073709551616').column).toBe(1)
    expect(syntaxError('x == 1e999').column).toBe(6)
  })

  it("resolves string escapes: \\' \\\\ \\n \\t and any other \\x as x", () => {
    const [token] = tokens("'it\\'s \\\\ \\n\\t \\q'")
    expect(token?.kind === 'string' && token.value).toBe("it's \\ \n\t q")
  })

  it('reports an unterminated string at its opening quote', () => {
    const err = syntaxError("$x == 'abc")
    expect(err.column).toBe(7)
    expect(err.message).toBe('column 7: expected a closing quote but found end of input')
  })

  it.each([
    ['$x = 1', 4, "expected '==' but found '='"],
    ['$x ! 1', 4, "expected '!=' but found '!'"],
    ['"x" == $host', 1, "expected a single-quoted string but found '\"'"],
    ['$x # 1', 4, "expected a token but found '#'"],
    ['\\ and', 2, "expected an identifier after the backslash but found ' '"]
  ])('rejects %s at column %i', (source, column, message) => {
    const err = syntaxError(source)
    expect(err.column).toBe(column)
    expect(err.message).toBe(`column ${column}: ${message}`)
  })

  it('reads every operator and punctuation mark', () => {
    expect(kinds('== != < <= > >= + - * / ~ ( ) [ ] . $').slice(0, -1)).toEqual(
      ['==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '~', '(', ')', '[', ']', '.', '$'].map(
        (p) => `punct:${p}`
      )
    )
  })

  describe('component mode', () => {
    it('reads a dot and a digit run as separator and integer position, never as a float', () => {
      expect(kinds('.1.0', 'component')).toEqual(['punct:.', 'int:1', 'punct:.', 'int:0', 'eof'])
      expect(kinds('.1', 'expression')).toEqual(['float:0.1', 'eof'])
    })

    it('reads special names and TRUE or reserved words as member names', () => {
      expect(kinds('_length _d TRUE min', 'component')).toEqual([
        'special:_length',
        'special:_d',
        'ident:TRUE',
        'ident:min',
        'eof'
      ])
    })

    it('still reads keywords, so they end a path', () => {
      expect(kinds('in', 'component')).toEqual(['keyword:in', 'eof'])
    })
  })

  it('peeks without consuming and re-lexes when the mode changes', () => {
    const lexer = new Lexer('.5')
    expect(lexer.peek('component').kind).toBe('punct')
    expect(lexer.peek('expression').kind).toBe('float')
    expect(lexer.next('expression').kind).toBe('float')
    expect(lexer.next('expression').kind).toBe('eof')
  })
})
