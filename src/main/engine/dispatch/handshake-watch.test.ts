import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Socket } from 'zeromq'
import { HandshakeWatch } from './handshake-watch'

/** The part of a zeromq socket HandshakeWatch uses: `events.on(type, listener)`, driven by hand. */
function fakeSocket(): { socket: Socket; emit(type: string): void } {
  const listeners = new Map<string, ((e: unknown) => void)[]>()
  const events = {
    on: (type: string, listener: (e: unknown) => void): void => {
      listeners.set(type, [...(listeners.get(type) ?? []), listener])
    }
  }
  const emit = (type: string): void => {
    const e = { address: 'tcp://127.0.0.1:5555', error: new Error('Broken pipe') }
    for (const l of listeners.get(type) ?? []) l(e)
  }
  return { socket: { events } as unknown as Socket, emit }
}

describe('HandshakeWatch', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('counts each connection that never speaks ZeroMQ once, and only ZMTP peers as peers', () => {
    vi.useFakeTimers()
    const { socket, emit } = fakeSocket()
    const rejects: string[] = []
    const watch = new HandshakeWatch(socket, { timeoutMs: 1_000, onReject: (d) => rejects.push(d) })
    // A worker connects and completes the handshake.
    emit('accept')
    emit('handshake')
    expect(watch.peers).toBe(1)
    // Garbage that libzmq rejects at once: counted, and its disconnect is not a peer leaving.
    emit('accept')
    emit('handshake:error:protocol')
    emit('disconnect')
    expect(rejects).toHaveLength(1)
    expect(watch.peers).toBe(1)
    // Plain text held open: libzmq says nothing until it closes; the timeout counts it …
    emit('accept')
    vi.advanceTimersByTime(1_500)
    expect(rejects).toHaveLength(2)
    expect(rejects[1]).toMatch(/no ZeroMQ handshake within 1000 ms/)
    // … and its handshake error when it finally closes is not counted again.
    emit('handshake:error:other')
    emit('disconnect')
    expect(rejects).toHaveLength(2)
    expect(watch.peers).toBe(1)
    // The worker leaves.
    emit('disconnect')
    expect(watch.peers).toBe(0)
    watch.close()
  })
})
