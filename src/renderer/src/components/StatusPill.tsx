import type { ReactNode } from 'react'

export type Tone = 'ok' | 'warn' | 'bad' | 'idle'

/** A small coloured status label with a dot; the text always says the state too. */
export function StatusPill(props: {
  tone: Tone
  children: ReactNode
  testId?: string
  title?: string
}): ReactNode {
  return (
    <span className={`pill pill-${props.tone}`} data-testid={props.testId} title={props.title}>
      <span className="dot" aria-hidden="true" />
      {props.children}
    </span>
  )
}
