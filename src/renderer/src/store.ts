import { create } from 'zustand'
import type { Frame, Presence, Snapshot, TraceEvent } from '@shared/contract'

/** The Trace panel keeps at most this many events; older ones drop off (counted). */
export const TRACE_VIEW_MAX = 5_000
/** Toasts shown at once; older ones are dismissed. */
const TOASTS_MAX = 4

export interface Toast {
  id: number
  kind: 'error' | 'info'
  text: string
}

export interface ConsoleState {
  presence: Presence
  /** Why the console is not live, in plain words (shown in the status bar). */
  presenceDetail: string | null
  snapshot: Snapshot | null
  /** Recent trace events, oldest first, at most TRACE_VIEW_MAX. */
  trace: TraceEvent[]
  /** Events this view never received (slow frames) or let go (over TRACE_VIEW_MAX). */
  traceDropped: number
  toasts: Toast[]
  applyFrame(frame: Frame): void
  setPresence(presence: Presence, detail?: string): void
  clearTrace(): void
  toast(kind: Toast['kind'], text: string): void
  dismissToast(id: number): void
}

/** How long a toast stays, in ms (errors longer: they say what to do). */
const TOAST_INFO_MS = 4_000
const TOAST_ERROR_MS = 10_000

let toastId = 0

/** The renderer's one store; only the transport hookup (useConsoleConnection) writes frames. */
export const useConsole = create<ConsoleState>((set) => ({
  presence: 'connecting',
  presenceDetail: null,
  snapshot: null,
  trace: [],
  traceDropped: 0,
  toasts: [],
  applyFrame: (frame) =>
    set((state) => {
      if (frame.events.length === 0 && frame.dropped === 0) return { snapshot: frame.snapshot }
      const merged = state.trace.concat(frame.events)
      const over = Math.max(0, merged.length - TRACE_VIEW_MAX)
      return {
        snapshot: frame.snapshot,
        trace: over > 0 ? merged.slice(over) : merged,
        traceDropped: state.traceDropped + frame.dropped + over
      }
    }),
  setPresence: (presence, detail) => set({ presence, presenceDetail: detail ?? null }),
  clearTrace: () => set({ trace: [], traceDropped: 0 }),
  toast: (kind, text) => {
    const id = ++toastId
    set((state) => ({ toasts: [...state.toasts, { id, kind, text }].slice(-TOASTS_MAX) }))
    // A toast says what just happened; lasting conditions are problems (the bar), so it goes.
    setTimeout(
      () => set((state) => ({ toasts: state.toasts.filter((t) => t.id !== id) })),
      kind === 'error' ? TOAST_ERROR_MS : TOAST_INFO_MS
    )
  },
  dismissToast: (id) => set((state) => ({ toasts: state.toasts.filter((t) => t.id !== id) }))
}))
