import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { parseRunExport, ScenarioSchema, type ScenarioResult } from '@shared/contract/scenario'
import { Markdown } from './Markdown'
import { Outcome } from './Outcome'

const scenario = ScenarioSchema.parse({
  version: 1,
  id: 'dispatch/t',
  title: 'T',
  lab: 'dispatch',
  expect: {
    verdict: 'violated',
    causes: ['crash-after-work-before-mark'],
    counts: { many: { min: 1 } }
  },
  lesson: 'l',
  explanation: 'e'
})

function result(over: Partial<ScenarioResult>): ScenarioResult {
  return {
    id: 'dispatch/t',
    title: 'T',
    lab: 'dispatch',
    passed: false,
    outcome: {
      verdict: 'held',
      guarantee: 'each epoch executed exactly once',
      causes: {},
      counts: { many: 0 },
      facts: {},
      notes: []
    },
    differences: [
      'verdict: expected violated, got held',
      'counts.many: expected at least 1, got 0'
    ],
    applied: [],
    durationMs: 1_000,
    settings: {},
    ...over
  }
}

afterEach(cleanup)

describe('a lesson outcome', () => {
  it('says it differs from the expectation, row by row, and why', () => {
    render(<Outcome scenario={scenario} result={result({})} />)
    expect(screen.getByTestId('lesson-outcome').dataset.passed).toBe('false')
    expect(screen.getByTestId('lesson-outcome-head').textContent).toContain(
      'The outcome differs from the expected one'
    )
    expect(screen.getByTestId('lesson-expected-verdict').textContent).toBe('violated')
    expect(screen.getByTestId('lesson-verdict').textContent).toContain('held')
    const rows = [...document.querySelectorAll('[data-row]')].map((r) => [
      r.getAttribute('data-row'),
      r.getAttribute('data-ok')
    ])
    expect(rows).toEqual([
      ['verdict', 'false'],
      ['cause crash-after-work-before-mark', 'false'],
      ['many', 'false']
    ])
    expect(screen.getByTestId('lesson-differences').textContent).toContain(
      'counts.many: expected at least 1, got 0'
    )
  })

  it('renders lesson Markdown as elements, never as HTML', () => {
    render(
      <Markdown text={'# Title\n\nSome **bold** and `code` <b>not html</b>\n\n- one\n- two'} />
    )
    expect(screen.getByRole('heading').textContent).toBe('Title')
    expect(document.querySelector('strong')?.textContent).toBe('bold')
    expect(document.querySelector('b')).toBeNull()
    expect(document.querySelectorAll('li')).toHaveLength(2)
  })

  it('refuses an export that is not one, saying where', () => {
    expect(parseRunExport('{"format":"flowlab-run","version":1}')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^not a Flowlab run export: exportedAt: /) as unknown
    })
  })
})
