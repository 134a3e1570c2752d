import { describe, expect, it } from 'vitest'
import { runFilterCommand, toChannelEvent, type FilterCommandIo } from './filter-command'

const E2 = {
  header: {
    fixed_header: {
      event_type: { domain_name: 'Telecom', type_name: 'QoSAlarm' },
      event_name: 'jitter'
    },
    variable_header: []
  },
  filterable_data: [
    { name: 'severity', value: 2 },
    { name: 'host', value: 'edge1' }
  ],
  remainder_of_body: null
}

function fakeIo(
  files: Record<string, string> = {}
): FilterCommandIo & { out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    readFile: async (path) => {
      const text = files[path]
      if (text === undefined) throw new Error(`ENOENT: no such file '${path}'`)
      return text
    }
  }
}

async function run(
  argv: string[],
  files?: Record<string, string>
): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = fakeIo(files)
  const code = await runFilterCommand(argv, io)
  return { code, out: io.out, err: io.err }
}

describe('runFilterCommand', () => {
  it('prints true or false for one structured event', async () => {
    const event = JSON.stringify(E2)
    expect(await run(['--constraint', "$host == 'edge1'", '--event', event])).toEqual({
      code: 0,
      out: ['true'],
      err: []
    })
    expect(await run(['--constraint=$severity > 3', `--event=${event}`])).toEqual({
      code: 0,
      out: ['false'],
      err: []
    })
  })

  it('treats JSON without a header as an untyped any event', async () => {
    const result = await run([
      '--constraint',
      "$.name == 'Ann' and exist $.age",
      '--event',
      '{"name":"Ann","age":29}'
    ])
    expect(result.out).toEqual(['true'])
    expect((await run(['--constraint', '$ == 5', '--event', '5'])).out).toEqual(['true'])
  })

  it('prints a syntax error with its column and a caret, exit 2', async () => {
    const result = await run(['--constraint', '($x == 1 and', '--event', '{}'])
    expect(result.code).toBe(2)
    expect(result.out).toEqual([])
    expect(result.err).toEqual([
      'filter: syntax error at column 13: expected an expression but found end of input',
      '  ($x == 1 and',
      '              ^'
    ])
  })

  it('prints a static type error with its column, exit 2', async () => {
    const result = await run(['--constraint', "5 + 'al' == 1", '--event', '{}'])
    expect(result.code).toBe(2)
    expect(result.err[0]).toBe(
      "filter: type error at column 3: '+' cannot be applied to number and string"
    )
    expect(result.err[2]).toBe('    ^')
  })

  it('evaluates every line of an --events file and reports bad lines without stopping', async () => {
    const lines = [
      JSON.stringify(E2),
      '',
      '{"severity": 9',
      JSON.stringify({ ...E2, filterable_data: [] }),
      '{"header": {}}'
    ].join('\n')
    const result = await run(['--constraint', '$severity == 2', '--events', 'events.jsonl'], {
      'events.jsonl': lines
    })
    expect(result.code).toBe(1)
    expect(result.out[0]).toBe('true')
    expect(result.out[1]).toMatch(/^line 3: error: invalid JSON: /)
    expect(result.out[2]).toBe('false')
    expect(result.out[3]).toBe(
      'line 5: error: header.fixed_header.event_type needs string domain_name and type_name'
    )
    expect(result.out).toHaveLength(4)
  })

  it('returns 0 when every line of --events is an event', async () => {
    const result = await run(['--constraint', '', '--events', 'f'], { f: '1\r\n"x"\r\n' })
    expect(result).toEqual({ code: 0, out: ['true', 'true'], err: [] })
  })

  it.each([
    [[], '--constraint is required'],
    [['--constraint', 'TRUE'], 'give exactly one of --event and --events'],
    [
      ['--constraint', 'TRUE', '--event', '1', '--events', 'f'],
      'give exactly one of --event and --events'
    ],
    [['--constraint'], '--constraint needs a value'],
    [['--constraint', 'TRUE', '--constraint', 'FALSE'], '--constraint given more than once'],
    [['--verbose'], "unknown argument '--verbose'"],
    [['TRUE'], "unknown argument 'TRUE'"]
  ])('rejects %j with a usage message, exit 2', async (argv, message) => {
    const result = await run(argv)
    expect(result.code).toBe(2)
    expect(result.out).toEqual([])
    expect(result.err[0]).toBe(`filter: ${message}`)
    expect(result.err[1]).toMatch(/^usage: flowlab filter/)
  })

  it('reports bad --event JSON and an unreadable --events file, exit 2', async () => {
    const bad = await run(['--constraint', 'TRUE', '--event', '{nope'])
    expect(bad.code).toBe(2)
    expect(bad.err[0]).toMatch(/^filter: --event: invalid JSON: /)
    const missing = await run(['--constraint', 'TRUE', '--events', 'nowhere'])
    expect(missing.code).toBe(2)
    expect(missing.err).toEqual(["filter: cannot read nowhere: ENOENT: no such file 'nowhere'"])
  })

  it('prints usage on --help', async () => {
    const result = await run(['--help'])
    expect(result.code).toBe(0)
    expect(result.out[0]).toMatch(/^usage: /)
  })
})

describe('toChannelEvent', () => {
  it('fills the optional parts of a structured event', () => {
    expect(
      toChannelEvent({
        header: { fixed_header: { event_type: { domain_name: 'D', type_name: 'T' } } }
      })
    ).toEqual({
      kind: 'structured',
      event: {
        header: {
          fixed_header: { event_type: { domain_name: 'D', type_name: 'T' }, event_name: '' },
          variable_header: []
        },
        filterable_data: [],
        remainder_of_body: null
      }
    })
  })

  it('rejects malformed property sequences and names', () => {
    const header = { fixed_header: { event_type: { domain_name: 'D', type_name: 'T' } } }
    expect(() => toChannelEvent({ header, filterable_data: [{ value: 1 }] })).toThrow(
      'filterable_data must be an array of {"name", "value"} properties'
    )
    expect(() =>
      toChannelEvent({ header: { fixed_header: { ...header.fixed_header, event_name: 3 } } })
    ).toThrow('event_name must be a string')
  })

  it('wraps anything without a header as an any event', () => {
    expect(toChannelEvent([1, 2])).toEqual({ kind: 'any', data: [1, 2] })
    expect(toChannelEvent(null)).toEqual({ kind: 'any', data: null })
  })
})
