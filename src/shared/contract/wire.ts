import { z } from 'zod'
import type { Result } from './errors'
import type { Frame } from './snapshot'

/**
 * The WebSocket protocol of the browser door: calls (a command in, a Result out), frames
 * (pushed) and acks, the same things the desktop door carries over IPC (see ./ipc).
 */

/** Client → server over the WebSocket. `command` is validated separately, by the engine's door. */
export const ClientMessageSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('call'),
    id: z.number().int().nonnegative(),
    command: z.unknown()
  }),
  z.strictObject({ kind: z.literal('ack'), seq: z.number().int().nonnegative() })
])
export type ClientMessage = z.infer<typeof ClientMessageSchema>

/** Server → client over the WebSocket. */
export type ServerMessage =
  | { kind: 'result'; id: number; result: Result<unknown> }
  | { kind: 'frame'; frame: Frame }
  | { kind: 'error'; result: Result<never> }
