import { describe, expect, it } from 'vitest'
import type { ChannelEvent, JsonValue, Property } from '../event'
import { compileConstraint } from './compiled-constraint'
import { evaluateConstraint } from './evaluator'
import { EXAMPLE_E1, EXAMPLE_E2, EXAMPLE_E3 } from './example-events'
import { parseConstraint } from './parser'
import { UNIX_EPOCH_IN_UTC_TIME } from './values'

function structured(
  filterable: Record<string, JsonValue>,
  variable: Record<string, JsonValue> = {},
  remainder: JsonValue = null,
  type: [string, string, string] = ['D', 'T', 'n']
): ChannelEvent {
  const props = (o: Record<string, JsonValue>): Property[] =>
    Object.entries(o).map(([name, value]) => ({ name, value }))
  return {
    kind: 'structured',
    event: {
      header: {
        fixed_header: {
          event_type: { domain_name: type[0], type_name: type[1] },
          event_name: type[2]
        },
        variable_header: props(variable)
      },
      filterable_data: props(filterable),
      remainder_of_body: remainder
    }
  }
}

function any(data: JsonValue): ChannelEvent {
  return { kind: 'any', data }
}

function matches(expr: string, event: ChannelEvent = EXAMPLE_E1): boolean {
  return compileConstraint(expr).matches(event)
}

function failure(expr: string, event: ChannelEvent = EXAMPLE_E1): string | undefined {
  return evaluateConstraint(parseConstraint(expr), event).failure?.kind
}

const NUMS = structured({
  i: 7,
  j: -2,
  zero: 0,
  f: 2.5,
  d: { t: 'double', v: 4 },
  big: { t: 'ulonglong', v: '18446744073709551615' },
  min: { t: 'longlong', v: '-9223372036854775808' },
  s: 'abc',
  c: { t: 'char', v: 'H' },
  b: true,
  nil: null,
  st: { a: 1 },
  sq: [1, 2]
})

describe('evaluateConstraint', () => {
  it('treats the empty constraint as TRUE and needs a boolean result', () => {
    expect(evaluateConstraint(null, EXAMPLE_E2)).toEqual({ matched: true })
    expect(failure('$severity')).toBe('type')
  })

  describe('comparison', () => {
    it.each([
      ['$i == 7', true],
      ['$i != 7', false],
      ['$i < 8', true],
      ['$i <= 7', true],
      ['$i > 7', false],
      ['$i >= 7', true],
      ['$j < 0', true],
      ['$f > 2', true],
      ['$f == 2.5', true],
      ['$d == 4', true],
      ['$d == 4.0', true],
      ['$big > $i', true],
      ['$big == 18446744073709551615', true],
      ['$min < $j', true],
      ["$s == 'abc'", true],
      ["$s < 'abd'", true],
      ["$s < 'B'", false],
      ["$s >= 'abc'", true],
      ["$c == 'H'", true],
      ['$b == TRUE', true],
      ['$b != FALSE', true],
      ['FALSE < TRUE', true],
      ['TRUE <= FALSE', false]
    ])('%s → %s', (expr, expected) => {
      expect(matches(expr, NUMS)).toBe(expected)
    })

    it.each(["$i == '7'", '$b == 1', '$s == TRUE', '$nil == 0', '$st == 1', '$sq == 1'])(
      '%s is a type mismatch: no match, even with !=',
      (expr) => {
        expect(matches(expr, NUMS)).toBe(false)
        expect(failure(expr, NUMS)).toBe('type')
        expect(matches(expr.replace('==', '!='), NUMS)).toBe(false)
      }
    )

    it('compares strings by code unit, case-sensitively', () => {
      expect(matches("$s != 'ABC'", NUMS)).toBe(true)
      expect(matches("'Z' < 'a'")).toBe(true)
    })
  })

  describe('enums', () => {
    const ev = structured({
      state: { t: 'enum', type: 'State', labels: ['UP', 'DOWN'], v: 'DOWN' },
      other: { t: 'enum', type: 'State', labels: ['UP', 'DOWN'], v: 'UP' },
      bare: { t: 'enum', v: 'DOWN' },
      DOWN: 'property named DOWN'
    })
    it.each([
      ['$state == DOWN', true],
      ['$state != UP', true],
      ['DOWN == $state', true],
      ["$state == 'DOWN'", true],
      ['$state > UP', true],
      ['$state == 1', true],
      ['$other < $state', true],
      ['$bare == DOWN', true],
      ['$bare != UP', true]
    ])('%s → %s', (expr, expected) => {
      expect(matches(expr, ev)).toBe(expected)
    })

    it('fails to order labels it cannot place', () => {
      expect(failure('$bare < UP', ev)).toBe('type')
      expect(failure('$state < NOPE', ev)).toBe('type')
      expect(failure('$bare == 1', ev)).toBe('type')
    })

    it('reads a bare identifier as a filterable_data property when not facing an enum', () => {
      expect(matches("DOWN == 'property named DOWN'", ev)).toBe(true)
      expect(failure('NOPE == 1', ev)).toBe('missing')
      expect(matches('severity == 4')).toBe(true)
      expect(matches('severity == state', EXAMPLE_E1)).toBe(false)
    })

    it('reads a bare identifier as a top-level member of an untyped any event', () => {
      expect(matches("name == 'Ann'", EXAMPLE_E3)).toBe(true)
    })
  })

  describe('arithmetic', () => {
    it.each([
      ['$i + 1 == 8', true],
      ['$i - 10 == -3', true],
      ['$i * $j == -14', true],
      ['$i / 2 == 3', true],
      ['$j / 4 == 0', true],
      ['0 - $i == -7', true],
      ['2 / 3 == 0', true],
      ['1.0 * 2 / 3 > 0', true],
      ['$f * 2 == 5.0', true],
      ['$f + 1 == 3.5', true],
      ['$d / 8 == 0.5', true],
      ['$i / 2.0 == 3.5', true],
      ['$big - 1 == 18446744073709551614', true]
    ])('%s → %s', (expr, expected) => {
      expect(matches(expr, NUMS)).toBe(expected)
    })

    it.each([
      ['$i / $zero == 0', 'arithmetic'],
      ['$f / 0 == 0', 'arithmetic'],
      ['$big + 1 > 0', 'arithmetic'],
      ['$min - 1 < 0', 'arithmetic'],
      ['$big * $big > 0', 'arithmetic'],
      ['$s + 1 == 1', 'type'],
      ['$c + 1 > 32', 'type'],
      ['$b + 1 == 2', 'type']
    ])('%s fails (%s) and does not match', (expr, kind) => {
      expect(matches(expr, NUMS)).toBe(false)
      expect(failure(expr, NUMS)).toBe(kind)
    })
  })

  describe('boolean operators', () => {
    it.each([
      ['TRUE and TRUE', true],
      ['TRUE and FALSE', false],
      ['FALSE or TRUE', true],
      ['FALSE or FALSE', false],
      ['not FALSE', true],
      ['not TRUE', false],
      ['not $ack', true]
    ])('%s → %s', (expr, expected) => {
      expect(matches(expr)).toBe(expected)
    })

    it('short-circuits left to right', () => {
      expect(matches('TRUE or (1/0 == 1)')).toBe(true)
      expect(matches('TRUE or (1/0)')).toBe(true)
      expect(matches('FALSE and $missing')).toBe(false)
      expect(failure('FALSE and $missing')).toBeUndefined()
      expect(matches('$missing == 1 or TRUE')).toBe(false)
      expect(matches('not exist $x or $x < 3', EXAMPLE_E2)).toBe(true)
    })

    it('has no truthiness', () => {
      expect(failure('$severity and TRUE')).toBe('type')
      expect(failure('TRUE and $host')).toBe('type')
      expect(failure('not $severity')).toBe('type')
    })
  })

  describe('~ and in', () => {
    it.each([
      ["'rout' ~ $host", true],
      ["'ROUT' ~ $host", false],
      ["'' ~ $host", true],
      ["$host ~ 'xrouter7y'", true],
      ["'.*' ~ $host", false],
      ["'east' in $tags", true],
      ["'west' in $tags", false],
      ['4 in $tags', false],
      ["'core' in tags", true]
    ])('%s → %s', (expr, expected) => {
      expect(matches(expr)).toBe(expected)
    })

    it('needs strings for ~ and a sequence for in', () => {
      expect(failure('4 ~ $host')).toBe('type')
      expect(failure("'a' in $host")).toBe('type')
      expect(failure("'a' in $nothing")).toBe('missing')
      expect(failure('$tags in $tags')).toBe('type')
    })

    it('compares in-elements with == semantics, numbers after promotion', () => {
      expect(matches('2.0 in $sq', NUMS)).toBe(true)
      expect(matches('3 in $sq', NUMS)).toBe(false)
    })
  })

  describe('missing components (§4.5.7)', () => {
    it.each([
      '$nothing == 1',
      '$nothing != 1',
      'not ($nothing == 1)',
      '$.filterable_data(nothing) == 1',
      '$.header.nothing == 1',
      '$tags[2] == 1',
      '$tags.0 == 1',
      '$host._length == 7',
      '$severity._d == 1',
      "$val.l == 'x'",
      '$val.(1) == 1',
      '$val.() == TRUE',
      '$severity._type_id == 1',
      '$host(x) == 1',
      '$.99 == 1'
    ])('%s does not match E1', (expr) => {
      expect(matches(expr)).toBe(false)
      expect(failure(expr)).toBe('missing')
    })

    it('exist never fails', () => {
      expect(matches('exist $nothing')).toBe(false)
      expect(matches('exist $tags[5]')).toBe(false)
      expect(matches('exist $val.(1)')).toBe(false)
      expect(matches('exist $val.(2)')).toBe(true)
      expect(matches('exist severity')).toBe(true)
      expect(matches('exist nothing')).toBe(false)
      expect(matches('not exist $.remainder_of_body.zzz')).toBe(true)
    })
  })

  describe('$ shorthands and paths (§4.5.4)', () => {
    const ev = structured(
      { x: 'filterable', y: 'filterable-y', header: 'filterable header' },
      { x: 'variable', Priority: 5 },
      { amount: 12, list: [{ name: 'p', value: 1 }] },
      ['Telecom', 'Alarm', 'lost']
    )
    it.each([
      ["$domain_name == 'Telecom'", true],
      ["$type_name == 'Alarm'", true],
      ["$event_name == 'lost'", true],
      ["$.header.fixed_header.event_type.type_name == 'Alarm'", true],
      ["$.header.fixed_header.event_name == 'lost'", true],
      ["$x == 'variable'", true],
      ["$y == 'filterable-y'", true],
      ["$header == 'filterable header'", true],
      ["$fixed_header.event_name == 'lost'", true],
      ["$event_type.domain_name == 'Telecom'", true],
      ['$variable_header(Priority) == 5', true],
      ["$filterable_data(x) == 'filterable'", true],
      ['$remainder_of_body.amount == 12', true],
      ['$.remainder_of_body.list(p) == 1', true],
      ['$priority == 5', true],
      ['$PRIORITY == 5', true],
      ['$.2.amount == 12', true],
      ["$.0.0.1 == 'lost'", true],
      ["$._type_id == 'StructuredEvent'", true],
      ["$._repos_id == 'IDL:omg.org/CosNotification/StructuredEvent:1.0'", true],
      ["$.header._type_id == 'EventHeader'", true],
      ['$.filterable_data._length == 3', true],
      ["$.filterable_data[1].value == 'filterable-y'", true]
    ])('%s → %s', (expr, expected) => {
      expect(matches(expr, ev)).toBe(expected)
    })

    it('finds the first of duplicated property names', () => {
      const dup: ChannelEvent = structured({})
      if (dup.kind === 'structured') {
        dup.event.filterable_data.push({ name: 'k', value: 1 }, { name: 'k', value: 2 })
      }
      expect(matches('$k == 1', dup)).toBe(true)
      expect(matches('$.filterable_data(k) == 1', dup)).toBe(true)
    })

    it('falls back case-insensitively only for standard QoS names', () => {
      expect(matches("$X == 'variable'", ev)).toBe(false)
    })

    it('evaluates $ against the JSON value of an untyped any event', () => {
      const ev3 = any({ a: { b: [10, 20] }, type_name: 'mine' })
      expect(matches('$.a.b[1] == 20', ev3)).toBe(true)
      expect(matches('$a.b._length == 2', ev3)).toBe(true)
      expect(matches("$type_name == 'mine'", ev3)).toBe(true)
      expect(matches('$[1] == 2', any([1, 2]))).toBe(true)
      expect(matches('$ == 5', any(5))).toBe(true)
      expect(matches('$(k) == 1 and $k == 1', any([{ name: 'k', value: 1 }]))).toBe(true)
      expect(matches('exist $domain_name', EXAMPLE_E3)).toBe(false)
      expect(matches('exist $.header', EXAMPLE_E3)).toBe(false)
      expect(matches('$._type_id == 1', any({ a: 1 }))).toBe(false)
    })

    it('unwraps an any typed node transparently', () => {
      expect(matches('$.x.y == 1', any({ x: { t: 'any', v: { y: 1 } } }))).toBe(true)
    })

    it('treats objects with an unknown or malformed t as plain structs', () => {
      expect(matches("$.t == 'long'", any({ t: 'long', v: 'x' }))).toBe(true)
      expect(matches("$.t == 'weird'", any({ t: 'weird', v: 1 }))).toBe(true)
    })

    it('gives $curtime as a UtcT in 100 ns units since 1582', () => {
      const nowMs = 1_700_000_000_000
      const expected = BigInt(nowMs) * 10_000n + UNIX_EPOCH_IN_UTC_TIME
      const ast = parseConstraint(`$curtime.time == ${expected} and $curtime.tdf == 0`)
      expect(evaluateConstraint(ast, EXAMPLE_E2, { nowMs }).matched).toBe(true)
      expect(matches("$curtime._type_id == 'UtcT'", EXAMPLE_E3)).toBe(true)
    })
  })

  describe('unions (§4.5.4)', () => {
    const union = (extra: Record<string, JsonValue>): ChannelEvent =>
      structured({
        u: {
          t: 'union',
          disc: 2,
          arm: 's',
          v: 'x',
          hasDefault: true,
          defaultActive: false,
          ...extra
        }
      })
    it.each([
      ['$u._d == 2', true],
      ["$u.s == 'x'", true],
      ["$u.(2) == 'x'", true],
      ['exist $u.(3)', false],
      ['exist $u.l', false],
      ['exist $u.()', false],
      ['default $u', false]
    ])('%s → %s', (expr, expected) => {
      expect(matches(expr, union({}))).toBe(expected)
    })

    it('reaches an arm with several labels through each of them', () => {
      const ev = union({ labels: [2, 3] })
      expect(matches("$u.(3) == 'x' and $u.(2) == 'x'", ev)).toBe(true)
      expect(matches('exist $u.(4)', ev)).toBe(false)
    })

    it('finds the active default arm through () and default', () => {
      const ev = union({ disc: 9, arm: 'b', v: true, defaultActive: true })
      expect(matches('$u.() == TRUE and default $u and $u.b', ev)).toBe(true)
      expect(matches('exist $u.(9)', ev)).toBe(false)
    })

    it('knows negative and string labels', () => {
      expect(matches('$u.(-1) == 1', union({ disc: -1, v: 1 }))).toBe(true)
      expect(matches("$u.('k') == 1", union({ disc: { t: 'char', v: 'k' }, v: 1 }))).toBe(true)
    })

    it('answers default FALSE without a default arm and fails on a non-union', () => {
      expect(matches('not default $u', union({ hasDefault: false }))).toBe(true)
      expect(failure('default $severity')).toBe('type')
      expect(failure('default $nothing')).toBe('missing')
    })
  })
})
