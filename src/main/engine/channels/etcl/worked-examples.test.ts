import { describe, expect, it } from 'vitest'
import { compileConstraint } from './compiled-constraint'
import { ConstraintSyntaxError } from './constraint-syntax-error'
import { ConstraintTypeError } from './constraint-type-error'
import {
  EXAMPLE_E1,
  EXAMPLE_E2,
  EXAMPLE_E3,
  REJECTED_EXAMPLES,
  WORKED_EXAMPLES
} from './example-events'

describe('digest §4.6 worked examples', () => {
  it.each(WORKED_EXAMPLES)('#%i %s → E1 %s, E2 %s, E3 %s', (_n, expr, e1, e2, e3) => {
    const constraint = compileConstraint(expr)
    expect([EXAMPLE_E1, EXAMPLE_E2, EXAMPLE_E3].map((e) => constraint.matches(e))).toEqual([
      e1,
      e2,
      e3
    ])
  })
})

describe('digest §4.6 rejected expressions', () => {
  it.each(REJECTED_EXAMPLES)('%s is rejected with a %s error', (expr, kind) => {
    const error = kind === 'syntax' ? ConstraintSyntaxError : ConstraintTypeError
    expect(() => compileConstraint(expr)).toThrow(error)
  })
})
