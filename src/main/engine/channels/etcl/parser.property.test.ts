import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ComponentNode, ComponentStep, Expr, IdentNode } from './ast'
import { compileConstraint } from './compiled-constraint'
import { ConstraintSyntaxError } from './constraint-syntax-error'
import { ConstraintTypeError } from './constraint-type-error'
import { parseConstraint } from './parser'
import { printConstraint } from './printer'

/** The same tree without columns: printing normalises layout, so only columns may differ. */
function stripColumns(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripColumns)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'column')
        .map(([key, v]) => [key, stripColumns(v)])
    )
  }
  return value
}

function onlyConstraintErrors(source: string): void {
  try {
    compileConstraint(source)
  } catch (err) {
    if (err instanceof ConstraintSyntaxError || err instanceof ConstraintTypeError) {
      expect(err.column).toBeGreaterThanOrEqual(1)
      expect(err.column).toBeLessThanOrEqual(source.length + 1)
      return
    }
    throw err
  }
}

const TOKENS = [
  'and',
  'or',
  'not',
  'in',
  'exist',
  'default',
  'TRUE',
  'FALSE',
  'min',
  '\\and',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
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
  '$',
  '=',
  '!',
  '"',
  "'",
  "'s'",
  "'it\\'s'",
  '0',
  '1',
  '42',
  '1.5',
  '.5',
  '1e+2',
  '10e2',
  '1.',
  'x',
  'severity',
  '_length',
  '_d',
  '_type_id',
  '_repos_id',
  '$.',
  '$x',
  '$.a',
  '$(p)',
  '$[0]',
  '.(',
  '.()',
  '\\',
  ' ',
  '\t',
  '99999999999999999999',
  '#'
]

describe('parser properties', () => {
  it('throws only ConstraintSyntaxError or ConstraintTypeError on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), onlyConstraintErrors), { numRuns: 2_000 })
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), onlyConstraintErrors), {
      numRuns: 500
    })
  })

  it('throws only ConstraintSyntaxError or ConstraintTypeError on token soups', () => {
    const soup = fc
      .array(fc.constantFrom(...TOKENS), { maxLength: 25 })
      .chain((tokens) =>
        fc
          .array(fc.constantFrom(' ', ''), { minLength: tokens.length, maxLength: tokens.length })
          .map((gaps) => tokens.map((t, i) => t + (gaps[i] ?? '')).join(''))
      )
    fc.assert(fc.property(soup, onlyConstraintErrors), { numRuns: 3_000 })
  })

  it('reads back what it prints: parse(print(ast)) equals ast', () => {
    const name = fc.oneof(
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,6}$/),
      fc.constantFrom(
        'and',
        'or',
        'not',
        'in',
        'exist',
        'default',
        'TRUE',
        'FALSE',
        'min',
        'random'
      )
    )
    const label = fc.oneof(
      fc.constant(null),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
      fc.string({ maxLength: 5 })
    )
    const step: fc.Arbitrary<ComponentStep> = fc.oneof(
      name.map((n) => ({ kind: 'member' as const, name: n })),
      fc.nat(20).map((i) => ({ kind: 'position' as const, index: i })),
      fc.nat(20).map((i) => ({ kind: 'index' as const, index: i })),
      name.map((n) => ({ kind: 'property' as const, name: n })),
      label.map((l) => ({ kind: 'unionArm' as const, label: l }))
    )
    const special = fc.constantFrom('_length', '_d', '_type_id', '_repos_id' as const)
    const component: fc.Arbitrary<ComponentNode> = fc
      .record({
        variable: fc.option(name, { nil: null }),
        steps: fc.array(step, { maxLength: 4 }),
        last: fc.option(special, { nil: null })
      })
      .map(({ variable, steps, last }) => ({
        type: 'component' as const,
        variable,
        steps: last === null ? steps : [...steps, { kind: 'special' as const, name: last }],
        column: 0
      }))
    const ident: fc.Arbitrary<IdentNode> = name.map((n) => ({ type: 'ident', name: n, column: 0 }))
    const leaf: fc.Arbitrary<Expr> = fc.oneof(
      fc
        .bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n })
        .map((v) => ({ type: 'int' as const, value: v, column: 0 })),
      fc
        .double({ noNaN: true, noDefaultInfinity: true })
        .map((v) => ({ type: 'float' as const, value: v, column: 0 })),
      fc.string({ maxLength: 8 }).map((v) => ({ type: 'string' as const, value: v, column: 0 })),
      fc.boolean().map((v) => ({ type: 'bool' as const, value: v, column: 0 })),
      component,
      ident,
      fc.oneof(component, ident).map((target) => ({ type: 'exist' as const, target, column: 0 })),
      component.map((target) => ({ type: 'default' as const, target, column: 0 }))
    )
    const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
      expr: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({
          type: fc.constantFrom('and' as const, 'or' as const),
          left: tie('expr'),
          right: tie('expr'),
          column: fc.constant(0)
        }),
        fc.record({
          type: fc.constant('not' as const),
          operand: tie('expr'),
          column: fc.constant(0)
        }),
        fc.record({
          type: fc.constant('compare' as const),
          op: fc.constantFrom(
            '==' as const,
            '!=' as const,
            '<' as const,
            '<=' as const,
            '>' as const,
            '>=' as const
          ),
          left: tie('expr'),
          right: tie('expr'),
          column: fc.constant(0)
        }),
        fc.record({
          type: fc.constant('in' as const),
          left: tie('expr'),
          right: fc.oneof(component, ident),
          column: fc.constant(0)
        }),
        fc.record({
          type: fc.constant('twiddle' as const),
          left: tie('expr'),
          right: tie('expr'),
          column: fc.constant(0)
        }),
        fc.record({
          type: fc.constant('arith' as const),
          op: fc.constantFrom('+' as const, '-' as const, '*' as const, '/' as const),
          left: tie('expr'),
          right: tie('expr'),
          column: fc.constant(0)
        })
      )
    }))
    fc.assert(
      fc.property(expr, (ast) => {
        const printed = printConstraint(ast)
        expect(stripColumns(parseConstraint(printed))).toEqual(stripColumns(ast))
      }),
      { numRuns: 2_000 }
    )
  })
})
