import { describe, expect, it } from 'vitest'
import { compileConstraint } from './compiled-constraint'
import { ConstraintTypeError } from './constraint-type-error'

function typeError(source: string): ConstraintTypeError {
  try {
    compileConstraint(source)
  } catch (err) {
    if (err instanceof ConstraintTypeError) return err
    throw err
  }
  throw new Error(`no type error in ${source}`)
}

describe('checkConstraint', () => {
  it.each([
    ["5 + 'al'", 3, "'+' cannot be applied to number and string"],
    ["TRUE + 'a'", 6, "'+' cannot be applied to boolean and string"],
    ['TRUE * 2 == 1', 6, "'*' cannot be applied to boolean and number"],
    ["5 ~ 'a'", 3, "'~' cannot be applied to number and string"],
    ["'a' and 'b'", 5, "'and' cannot be applied to string and string"],
    ['TRUE or 1', 6, "'or' cannot be applied to boolean and number"],
    ["1 == '1'", 3, "'==' cannot be applied to number and string"],
    ['TRUE < 1', 6, "'<' cannot be applied to boolean and number"],
    ['not 5', 1, "'not' cannot be applied to a number"],
    ["$x and (1 == 'a')", 11, "'==' cannot be applied to number and string"],
    ['5', 1, 'a constraint must be a boolean expression, not a number'],
    ["'x'", 1, 'a constraint must be a boolean expression, not a string'],
    ['$severity * 2', 11, 'a constraint must be a boolean expression, not a number']
  ])('rejects %s at column %i', (source, column, detail) => {
    const err = typeError(source)
    expect(err.column).toBe(column)
    expect(err.message).toBe(`column ${column}: ${detail}`)
    expect(err.code).toBe('ConstraintType')
  })

  it.each([
    '1 == 1.5',
    "'a' < 'b'",
    'TRUE == FALSE',
    'FALSE < TRUE',
    "'a' ~ 'abc'",
    'TRUE or (1/0)',
    'not $severity == 4',
    "$severity == '4'",
    "$x + 'a' == 1",
    '1 in $tags',
    'TRUE',
    '$flag',
    'DOWN'
  ])('leaves %s to match time', (source) => {
    expect(() => compileConstraint(source)).not.toThrow()
  })
})
