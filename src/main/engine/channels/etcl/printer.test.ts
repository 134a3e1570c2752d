import { describe, expect, it } from 'vitest'
import { parseConstraint } from './parser'
import { printConstraint } from './printer'

function canonical(source: string): string {
  return printConstraint(parseConstraint(source))
}

describe('printConstraint', () => {
  it.each([
    ['', ''],
    ['$a==1', '$a == 1'],
    ['((1+2))*3', '(1 + 2) * 3'],
    ['1+(2*3)', '1 + 2 * 3'],
    ['1-(2-3)', '1 - (2 - 3)'],
    ['(1-2)-3', '1 - 2 - 3'],
    ['not ($x == 3)', 'not ($x == 3)'],
    ['(not $x) == 3', 'not $x == 3'],
    ['($a or $b) and $c', '($a or $b) and $c'],
    ['$a or ($b or $c)', '$a or ($b or $c)'],
    ["('a' ~ $s) ~ $t == TRUE", "('a' ~ $s) ~ $t == TRUE"],
    ['(1 == 2) == TRUE', '(1 == 2) == TRUE'],
    ['3 - -5', '3 - -5'],
    ['not -5.5 == 1', 'not -5.5 == 1'],
    ['1.0', '1.0'],
    ['-0.0 < 1', '-0.0 < 1'],
    ['1e300 > 1', '1e+300 > 1'],
    ['.5 > 1', '0.5 > 1'],
    ["'it\\'s \\\\' == $x", "'it\\'s \\\\' == $x"],
    ['$.a.b[2](p).(2)._length == 1', '$.a.b[2](p).(2)._length == 1'],
    ["$u.(-1) == $u.('x') and exist $u.()", "$u.(-1) == $u.('x') and exist $u.()"],
    ['exist \\and and default $.\\or', 'exist \\and and default $.\\or'],
    ['\\min == \\TRUE', '\\min == \\TRUE'],
    ['$ in $tags', '$ in $tags']
  ])('prints %s as %s', (source, expected) => {
    expect(canonical(source)).toBe(expected)
  })
})
