import { useState, type ReactNode } from 'react'

/**
 * A destructive button that asks first: the first click shows "Really …?" with a confirm and a
 * cancel button; only the confirm runs `onConfirm`. (The Channels lab has its own: labs share only
 * `components/`, and no lab imports another.)
 */
export function ConfirmButton(props: {
  label: string
  question: string
  onConfirm: () => void
  disabled?: boolean
  testId?: string
}): ReactNode {
  const [asking, setAsking] = useState(false)
  if (!asking) {
    return (
      <button
        className="btn btn-danger"
        type="button"
        disabled={props.disabled}
        onClick={() => setAsking(true)}
        data-testid={props.testId}
      >
        {props.label}
      </button>
    )
  }
  return (
    <span className="cluster-confirm" role="alertdialog" aria-label={props.question}>
      <span className="small">{props.question}</span>
      <button
        className="btn btn-danger"
        type="button"
        onClick={() => {
          setAsking(false)
          props.onConfirm()
        }}
        data-testid={props.testId ? `${props.testId}-confirm` : undefined}
      >
        Yes, {props.label.toLowerCase()}
      </button>
      <button className="btn" type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  )
}
