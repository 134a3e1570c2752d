import { afterEach, describe, expect, it, vi } from 'vitest'
import { useConsole } from './store'

describe('toasts', () => {
  afterEach(() => {
    vi.useRealTimers()
    useConsole.setState({ toasts: [] })
  })

  it('go away on their own: info after a few seconds, errors a little later', () => {
    vi.useFakeTimers()
    useConsole.getState().toast('info', 'saved')
    useConsole.getState().toast('error', 'could not start: port in use')
    expect(useConsole.getState().toasts.map((t) => t.kind)).toEqual(['info', 'error'])
    vi.advanceTimersByTime(5_000)
    expect(useConsole.getState().toasts.map((t) => t.kind)).toEqual(['error'])
    vi.advanceTimersByTime(6_000)
    expect(useConsole.getState().toasts).toEqual([])
  })
})
