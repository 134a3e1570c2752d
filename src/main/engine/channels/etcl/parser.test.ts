import { describe, expect, it } from 'vitest'
import type { ComponentNode, Expr } from './ast'
import { ConstraintSyntaxError } from './constraint-syntax-error'
import { MAX_PAREN_DEPTH, MAX_TREE_DEPTH, parseConstraint } from './parser'
import { printConstraint } from './printer'

function parse(source: string): Expr {
  const ast = parseConstraint(source)
  if (ast === null) throw new Error('empty')
  return ast
}

/** Fully parenthesised rendering, to read precedence off a tree. */
function shape(e: Expr): string {
  switch (e.type) {
    case 'and':
    case 'or':
    case 'twiddle':
      return `(${shape(e.left)} ${e.type === 'twiddle' ? '~' : e.type} ${shape(e.right)})`
    case 'compare':
    case 'arith':
      return `(${shape(e.left)} ${e.op} ${shape(e.right)})`
    case 'in':
      return `(${shape(e.left)} in ${shape(e.right)})`
    case 'not':
      return `(not ${shape(e.operand)})`
    default:
      return printConstraint(e)
  }
}

function syntaxError(source: string): ConstraintSyntaxError {
  try {
    parseConstraint(source)
  } catch (err) {
    if (err instanceof ConstraintSyntaxError) return err
    throw err
  }
  throw new Error(`no syntax error in ${source}`)
}

function component(source: string): ComponentNode {
  const ast = parse(source)
  if (ast.type !== 'component') throw new Error('not a component')
  return ast
}

describe('parseConstraint', () => {
  it('returns null for an empty or blank constraint', () => {
    expect(parseConstraint('')).toBeNull()
    expect(parseConstraint(' \t\n')).toBeNull()
  })

  it.each([
    ['1 + 2 * 3 == 7', '((1 + (2 * 3)) == 7)'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['8 / 4 / 2', '((8 / 4) / 2)'],
    ['not $x == 3', '((not $x) == 3)'],
    ['not $a * 2', '((not $a) * 2)'],
    ['$a or $b and $c', '($a or ($b and $c))'],
    ['$a and $b or $c and $d', '(($a and $b) or ($c and $d))'],
    ["'a' ~ $s == TRUE", "(('a' ~ $s) == TRUE)"],
    ["'a' + 'b' ~ $s", "(('a' + 'b') ~ $s)"],
    ['1 in $s == TRUE', '((1 in $s) == TRUE)'],
    ["'x' ~ $s in $t", "(('x' ~ $s) in $t)"],
    ['(1 + 2) * 3', '((1 + 2) * 3)'],
    ['not (1 == 2)', '(not (1 == 2))']
  ])('follows the precedence table: %s', (source, expected) => {
    expect(shape(parse(source))).toBe(expected)
  })

  it('folds a sign into the numeric literal right after it', () => {
    expect(parse('-5')).toMatchObject({ type: 'int', value: -5n, column: 1 })
    expect(parse('+5')).toMatchObject({ type: 'int', value: 5n })
    expect(parse('-1.5')).toMatchObject({ type: 'float', value: -1.5 })
    expect(shape(parse('3 - -5'))).toBe('(3 - -5)')
    expect(parse('-9223372036854775808')).toMatchObject({ value: -(2n ** 63n) })
  })

  it('accepts a sign only before a number', () => {
    expect(syntaxError('- $x').message).toBe("column 3: expected a number after '-' but found '$'")
    expect(syntaxError('--5').column).toBe(2)
    expect(syntaxError('-9223372036854775809').column).toBe(1)
  })

  it('records operator columns', () => {
    expect(parse('$a  ==  1')).toMatchObject({ type: 'compare', column: 5 })
    expect(parse('TRUE or FALSE')).toMatchObject({ type: 'or', column: 6 })
  })

  it('reads bare identifiers, exist and default', () => {
    expect(parse('DOWN')).toEqual({ type: 'ident', name: 'DOWN', column: 1 })
    expect(parse('exist $x')).toMatchObject({ type: 'exist', target: { type: 'component' } })
    expect(parse('exist severity')).toMatchObject({ type: 'exist', target: { type: 'ident' } })
    expect(parse('default $.u')).toMatchObject({ type: 'default', target: { type: 'component' } })
  })

  describe('components', () => {
    it.each<[string, string | null, ComponentNode['steps']]>([
      ['$', null, []],
      [
        '$.header.fixed_header',
        null,
        [
          { kind: 'member', name: 'header' },
          { kind: 'member', name: 'fixed_header' }
        ]
      ],
      [
        '$.3.0',
        null,
        [
          { kind: 'position', index: 3 },
          { kind: 'position', index: 0 }
        ]
      ],
      ['$[0]', null, [{ kind: 'index', index: 0 }]],
      ['$(name)', null, [{ kind: 'property', name: 'name' }]],
      [
        '$.a.b[2]',
        null,
        [
          { kind: 'member', name: 'a' },
          { kind: 'member', name: 'b' },
          { kind: 'index', index: 2 }
        ]
      ],
      [
        '$.header.variable_header(Priority)',
        null,
        [
          { kind: 'member', name: 'header' },
          { kind: 'member', name: 'variable_header' },
          { kind: 'property', name: 'Priority' }
        ]
      ],
      ['$tags._length', 'tags', [{ kind: 'special', name: '_length' }]],
      ['$val._d', 'val', [{ kind: 'special', name: '_d' }]],
      ['$._type_id', null, [{ kind: 'special', name: '_type_id' }]],
      ['$._repos_id', null, [{ kind: 'special', name: '_repos_id' }]],
      ['$val.(2)', 'val', [{ kind: 'unionArm', label: 2n }]],
      ['$val.(-1)', 'val', [{ kind: 'unionArm', label: -1n }]],
      ['$val.(+1)', 'val', [{ kind: 'unionArm', label: 1n }]],
      ["$val.('x')", 'val', [{ kind: 'unionArm', label: 'x' }]],
      ['$val.()', 'val', [{ kind: 'unionArm', label: null }]],
      [
        '$u.arm[1](p).x',
        'u',
        [
          { kind: 'member', name: 'arm' },
          { kind: 'index', index: 1 },
          { kind: 'property', name: 'p' },
          { kind: 'member', name: 'x' }
        ]
      ],
      [
        '$.TRUE.min',
        null,
        [
          { kind: 'member', name: 'TRUE' },
          { kind: 'member', name: 'min' }
        ]
      ],
      ['$.\\in', null, [{ kind: 'member', name: 'in' }]]
    ])('parses %s', (source, variable, steps) => {
      expect(component(source)).toEqual({ type: 'component', variable, steps, column: 1 })
    })

    it('leaves the path at the first token that does not continue it', () => {
      expect(shape(parse('$ in $tags'))).toBe('($ in $tags)')
      expect(shape(parse('$x.1 + .5 > 1'))).toBe('(($x.1 + 0.5) > 1)')
      expect(shape(parse('$a-1 == 0'))).toBe('(($a - 1) == 0)')
    })

    it('ends the path after a special name', () => {
      expect(syntaxError('$s._length.x').message).toBe(
        "column 11: expected an operator or end of input but found '.'"
      )
    })

    it.each([
      [
        '$.',
        3,
        "a member name, a position, '(' or one of _length, _d, _type_id, _repos_id after '.'"
      ],
      [
        '$._foo',
        3,
        "a member name, a position, '(' or one of _length, _d, _type_id, _repos_id after '.'"
      ],
      ['$[x]', 3, 'an index'],
      ['$[1', 4, "']'"],
      ['$(1)', 3, 'a property name'],
      ['$.u.(1.5)', 7, "')'"],
      ['$.u.(TRUE)', 6, "a union case label (integer or string) or ')'"]
    ])('rejects %s at column %i', (source, column, expected) => {
      const err = syntaxError(source)
      expect(err.column).toBe(column)
      expect(err.expected).toBe(expected)
    })
  })

  describe('syntax errors', () => {
    it.each([
      ['$severity >', 12, 'an expression', 'end of input'],
      ['($x == 1 and', 13, 'an expression', 'end of input'],
      ['($x == 1', 9, "')'", 'end of input'],
      ["$type_name == 'CommunicationsAlarm' and ($x == 1 and", 53, 'an expression', 'end of input'],
      ['$x == 1 $y', 9, 'an operator or end of input', "'$'"],
      ['1 < 2 < 3', 7, "'and', 'or', ')' or end of input (comparisons do not chain)", "'<'"],
      ["'a' ~ 'b' ~ 'c'", 11, "an operator other than '~' (it does not chain)", "'~'"],
      ['not not TRUE', 5, 'an expression', "'not'"],
      ['min $severity', 1, 'an expression', "reserved word 'min'"],
      ['1 in 2', 6, "'$' or an identifier after 'in'", "'2'"],
      ['exist 3', 7, "'$' or an identifier after 'exist'", "'3'"],
      ['default x', 9, "'$' after 'default'", "'x'"],
      [')', 1, 'an expression', "')'"]
    ])('%s → column %i', (source, column, expected, found) => {
      const err = syntaxError(source)
      expect({ column: err.column, expected: err.expected, found: err.found }).toEqual({
        column,
        expected,
        found
      })
      expect(err.message).toBe(`column ${column}: expected ${expected} but found ${found}`)
    })

    it("names the token found, as in column 12: expected ')' but found 'and'", () => {
      expect(syntaxError('($a == 1 or and').message).toBe(
        "column 13: expected an expression but found 'and'"
      )
      expect(syntaxError('$.f($x and').message).toBe(
        "column 5: expected a property name but found '$'"
      )
      expect(syntaxError('(($a == 1) and').message).toBe(
        'column 15: expected an expression but found end of input'
      )
      expect(syntaxError('(TRUE TRUE').message).toBe("column 7: expected ')' but found 'TRUE'")
    })

    it('limits parenthesis nesting instead of overflowing the stack', () => {
      expect(
        parse(`${'('.repeat(MAX_PAREN_DEPTH)}TRUE${')'.repeat(MAX_PAREN_DEPTH)}`)
      ).toMatchObject({
        type: 'bool'
      })
      const deep = `${'('.repeat(MAX_PAREN_DEPTH + 1)}TRUE${')'.repeat(MAX_PAREN_DEPTH + 1)}`
      expect(syntaxError(deep).column).toBe(MAX_PAREN_DEPTH + 1)
    })

    it('limits tree depth so checking, evaluation and printing cannot overflow', () => {
      expect(
        parse(
          Array(MAX_TREE_DEPTH + 1)
            .fill('1')
            .join(' + ')
        )
      ).toMatchObject({ type: 'arith' })
      expect(() =>
        parse(
          Array(MAX_TREE_DEPTH + 2)
            .fill('1')
            .join(' + ')
        )
      ).toThrow(ConstraintSyntaxError)
    })
  })
})
