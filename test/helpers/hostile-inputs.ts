import fc from 'fast-check'
import {
  CommandType,
  INPUT_MAX_BYTES,
  INPUT_MAX_DEPTH,
  guardInput,
  parseCommand
} from '@shared/contract'

/**
 * Generators of hostile input for the door fuzz test. Each yields a small spec; the (possibly
 * large) input is built only when it is sent, so the test's own memory stays flat.
 */

/** Command types the fuzz aims at with wrong fields (a strict schema refuses the extra key). */
const KNOWN_TYPES = [
  ...Object.values(CommandType),
  'channels:push',
  'channels:createChannel',
  'dispatch:start',
  'dispatch:fault',
  'cache:start'
]

/** Nothing generated may be a command that would run: every one must be refused. */
function refused(command: unknown): boolean {
  return guardInput(command) !== null || !parseCommand(command).ok
}

/** Arrays or objects nested `levels` deep, as text. */
function deepText(levels: number, open: string, close: string): string {
  return `${open.repeat(levels)}${close.repeat(levels)}`
}

/** A value nested `levels` deep, built without recursion. */
function deepValue(levels: number, asArray: boolean): unknown {
  let value: unknown = null
  for (let i = 0; i < levels; i++) value = asArray ? [value] : { a: value }
  return value
}

const tooDeep = fc.integer({ min: INPUT_MAX_DEPTH + 1, max: 5_000 })
const tooBig = fc.integer({ min: INPUT_MAX_BYTES + 1, max: 4 * INPUT_MAX_BYTES })

/** A WebSocket message: text (valid UTF-8, as a browser sends) or a binary frame. */
export type WsInput = { text: string } | { binary: Uint8Array }

const wrongCommand = fc
  .record({
    type: fc.constantFrom(...KNOWN_TYPES),
    value: fc.jsonValue({ maxDepth: 3 }),
    field: fc.constantFrom('enabled', 'clientId', 'events', 'channel', '__fuzz')
  })
  .map(({ type, value, field }) => ({ type, [field]: value, __fuzz: value }))

const anyCommand = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ type: fc.string({ unit: 'binary', maxLength: 200 }) }),
  wrongCommand
)

export const wsInputs: fc.Arbitrary<() => WsInput> = fc.oneof(
  // Deep nesting inside a call (the reported crash) and bare.
  fc
    .tuple(tooDeep, fc.constantFrom(['[', ']'], ['{"a":', '}']), fc.boolean())
    .map(([levels, [open, close], inCall]) => () => {
      const deep = deepText(levels, open ?? '[', close ?? ']')
      return {
        text: inCall
          ? `{"kind":"call","id":1,"command":{"type":"channels:push","clientId":"x","events":[${deep}]}}`
          : deep
      }
    }),
  // Huge strings: a type over the size limit, or text over it.
  fc.tuple(tooBig, fc.boolean()).map(([bytes, inCall]) => () => ({
    text: inCall
      ? JSON.stringify({ kind: 'call', id: 2, command: { type: 'x'.repeat(bytes) } })
      : '€'.repeat(Math.ceil(bytes / 3))
  })),
  // Binary frames, and arbitrary text that is mostly not JSON.
  fc.uint8Array({ maxLength: 2_048 }).map((binary) => () => ({ binary })),
  fc.string({ unit: 'binary', maxLength: 500 }).map((text) => () => ({ text })),
  // Wrong types in the envelope.
  fc
    .record({
      kind: fc.oneof(fc.constant('call'), fc.jsonValue({ maxDepth: 2 })),
      id: fc.jsonValue({ maxDepth: 2 }),
      command: fc.jsonValue({ maxDepth: 3 })
    })
    .filter((m) => !(m.kind === 'call' && Number.isInteger(m.id) && (m.id as number) >= 0))
    .map((m) => () => ({ text: JSON.stringify(m) })),
  fc
    .jsonValue({ maxDepth: 4 })
    .filter((v) => typeof v !== 'object' || v === null || !('kind' in v))
    .map((v) => () => ({ text: JSON.stringify(v) ?? 'null' })),
  // Well-formed calls whose command is unknown or wrong.
  fc
    .tuple(fc.nat(), anyCommand.filter(refused))
    .map(([id, command]) => () => ({ text: JSON.stringify({ kind: 'call', id, command }) }))
)

/** What a compromised or buggy renderer could hand the IPC bridge: any structured-clone value. */
export const ipcInputs: fc.Arbitrary<() => unknown> = fc.oneof(
  fc.tuple(tooDeep, fc.boolean()).map(([levels, asArray]) => () => ({
    type: 'channels:push',
    clientId: 'x',
    events: [deepValue(levels, asArray)]
  })),
  tooBig.map((bytes) => () => ({ type: 'x'.repeat(bytes) })),
  tooBig.map((bytes) => () => ({ type: 'channels:push', data: new Uint8Array(bytes) })),
  fc.constant(() => {
    const cyclic: Record<string, unknown> = { type: 'channels:push', clientId: 'x' }
    cyclic.events = [cyclic]
    return cyclic
  }),
  fc
    .anything({
      maxDepth: 4,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
      withNullPrototype: true
    })
    .filter(refused)
    .map((value) => () => value),
  anyCommand.filter(refused).map((command) => () => command)
)
