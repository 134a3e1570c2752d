import { act, cleanup, render, renderHook, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { Snapshot } from '@shared/contract'
import { App } from './App'
import { ComingPanel } from './features/labs/ComingPanel'
import { LAB_FEATURES } from './features/registry'
import { useLabInfo } from './lib/use-lab-info'
import { useConsole } from './store'
import type { Transport } from './transport'
import { TransportProvider } from './transport-context'

/** A transport that never delivers a frame: the shell must stand on its own before the engine. */
const idleTransport: Transport = {
  call: async <T,>(): Promise<T> => null as T,
  connect: () => () => undefined,
  ack: () => undefined
}

function renderApp(hash: string): void {
  window.location.hash = hash
  render(
    <TransportProvider transport={idleTransport}>
      <App />
    </TransportProvider>
  )
}

afterEach(() => {
  cleanup()
  window.location.hash = ''
  useConsole.setState({ snapshot: null, trace: [], toasts: [] })
})

describe('App', () => {
  it('lists the registered labs, then the planned ones (none now), Lessons and Compare, then Redis and Trace', () => {
    renderApp('')
    const nav = screen.getByRole('navigation', { name: 'Labs' })
    const links = [...nav.querySelectorAll('a')]
    expect(links.map((a) => a.getAttribute('data-testid'))).toEqual([
      'nav-dispatch',
      'nav-channels',
      'nav-cache',
      'nav-cluster',
      'nav-lessons',
      'nav-compare',
      'nav-redis',
      'nav-trace'
    ])
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      '#/dispatch',
      '#/channels',
      '#/cache',
      '#/cluster',
      '#/lessons',
      '#/compare',
      '#/redis',
      '#/trace'
    ])
    const badged = links.filter((a) => a.querySelector('.badge')).map((a) => a.dataset.testid)
    expect(badged).toEqual([])
    expect(screen.getByTestId('nav-dispatch').getAttribute('aria-current')).toBe('page')
  })

  it('shows a planned lab as coming, with its one line about it', () => {
    const lab = { id: 'planned', title: 'Planned', about: 'A lab that is not built yet.' }
    render(<ComingPanel lab={lab} />)
    const panel = screen.getByTestId('lab-planned')
    expect(panel.querySelector('h1')?.textContent).toBe('Planned')
    expect(panel.textContent).toContain('A lab that is not built yet.')
    expect(panel.textContent).toContain('This lab is coming in a later version of Flowlab.')
  })

  it("shows a registered lab's panel at its route, waiting until the engine sends a view", () => {
    renderApp('#/channels')
    expect(screen.getByTestId('nav-channels').getAttribute('aria-current')).toBe('page')
    expect(screen.getByText('Waiting for the engine…')).toBeTruthy()
  })

  it('falls back to the first lab for an unknown route', () => {
    renderApp('#/nowhere')
    expect(screen.getByTestId('nav-dispatch').getAttribute('aria-current')).toBe('page')
  })
})

describe('the lab registry', () => {
  it('gives every lab a title and a one-line about', () => {
    for (const lab of LAB_FEATURES) {
      expect(lab.title).not.toBe('')
      expect(lab.about).not.toMatch(/\n/)
      expect(lab.about.length).toBeGreaterThan(0)
    }
  })
})

describe('useLabInfo', () => {
  it("returns the lab's view from the snapshot, and follows it", () => {
    const { result } = renderHook(() => useLabInfo('dispatch'))
    expect(result.current).toBeUndefined()
    const view = { status: 'idle' } as Snapshot['labs']['dispatch']
    act(() => useConsole.setState({ snapshot: { labs: { dispatch: view } } as Snapshot }))
    expect(result.current).toBe(view)
  })
})
