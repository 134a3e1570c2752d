import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { CommandInput, Snapshot } from '@shared/contract'
import {
  ScenarioSchema,
  type ScenarioInfo,
  type ScenarioListResult
} from '@shared/contract/scenario'
import { useConsole } from '../../store'
import type { Transport } from '../../transport'
import { TransportProvider } from '../../transport-context'
import { LessonsView } from './LessonsView'

const lesson = ScenarioSchema.parse({
  version: 1,
  id: 'channels/push',
  title: 'Canonical push',
  lab: 'channels',
  steps: [{ do: { type: 'channels:create', label: 'A' } }],
  expect: { verdict: 'held', counts: { 'client.con.received': 3 } },
  lesson: '# Push\n\nThe supplier **drives**.',
  explanation: 'It was pushed.',
  next: 'channels/pull'
})

function transport(calls: CommandInput[]): Transport {
  return {
    call: async <T,>(command: CommandInput): Promise<T> => {
      calls.push(command)
      if (command.type === 'scenario:list') {
        const list: ScenarioListResult = { scenarios: [lesson], invalid: [] }
        return list as T
      }
      return null as T
    },
    connect: () => () => undefined,
    ack: () => undefined
  }
}

function showScenario(info: ScenarioInfo): void {
  act(() => useConsole.setState({ snapshot: { scenario: info, labs: {} } as unknown as Snapshot }))
}

afterEach(() => {
  cleanup()
  useConsole.setState({ snapshot: null, trace: [], toasts: [] })
})

describe('the Lessons view', () => {
  it('lists the lessons, shows the text, runs one and shows the outcome beside the expectation', async () => {
    const calls: CommandInput[] = []
    render(
      <TransportProvider transport={transport(calls)}>
        <LessonsView />
      </TransportProvider>
    )
    fireEvent.click(await screen.findByTestId('lesson-open-channels/push'))
    expect(screen.getByTestId('lesson-text').querySelector('strong')?.textContent).toBe('drives')
    fireEvent.click(screen.getByTestId('lesson-run'))
    // The file's settings unchanged: the run names only the lesson.
    expect(calls.at(-1)).toEqual({ type: 'scenario:run', id: 'channels/push' })

    const base: ScenarioInfo = {
      status: 'running',
      mode: 'single',
      ids: ['channels/push'],
      current: 'channels/push',
      settings: {},
      applied: [],
      results: [],
      error: null,
      startedAt: 1
    }
    showScenario(base)
    expect(screen.getByTestId('lesson-status').textContent).toBe('running')
    showScenario({
      ...base,
      status: 'done',
      current: null,
      results: [
        {
          id: 'channels/push',
          title: 'Canonical push',
          lab: 'channels',
          passed: false,
          outcome: {
            verdict: 'held',
            guarantee: 'every step behaved as the script says',
            causes: {},
            counts: { 'client.con.received': 2 },
            facts: {},
            notes: []
          },
          differences: ['counts.client.con.received: expected 3, got 2'],
          applied: [],
          durationMs: 10,
          settings: {}
        }
      ]
    })
    expect(screen.getByTestId('lesson-outcome').dataset.passed).toBe('false')
    expect(screen.getByTestId('lesson-differences').textContent).toContain('expected 3, got 2')
    expect(screen.getByTestId('lesson-explanation').textContent).toBe('It was pushed.')
    expect(screen.getByTestId('lesson-next').textContent).toContain('channels/pull')
  })

  it('sends changed settings, and refuses settings that are not a JSON object', async () => {
    const calls: CommandInput[] = []
    render(
      <TransportProvider transport={transport(calls)}>
        <LessonsView />
      </TransportProvider>
    )
    fireEvent.click(await screen.findByTestId('lesson-open-channels/push'))
    const box = screen.getByTestId('lesson-settings')
    fireEvent.change(box, { target: { value: '[1, 2]' } })
    fireEvent.click(screen.getByTestId('lesson-run'))
    expect(screen.getByText('the settings must be a JSON object')).toBeDefined()
    expect(calls.filter((c) => c.type === 'scenario:run')).toEqual([])
    fireEvent.change(box, { target: { value: '{"x": 1}' } })
    fireEvent.click(screen.getByTestId('lesson-run'))
    expect(calls.at(-1)).toEqual({ type: 'scenario:run', id: 'channels/push', settings: { x: 1 } })
  })
})
