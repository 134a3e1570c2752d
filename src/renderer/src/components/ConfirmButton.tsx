import { useState, type ReactNode } from 'react'

/**
 * A destructive button that asks first: the first click shows "Really …?" with a confirm and a
 * cancel button; only the confirm runs `onConfirm`.
 */
export function ConfirmButton(props: {
  label: string
  question: string
  onConfirm: () => void
  disabled?: boolean
  small?: boolean
  testId?: string
}): ReactNode {
  const [asking, setAsking] = useState(false)
  const size = props.small ? ' btn-small' : ''
  if (!asking) {
    return (
      <button
        className={`btn btn-danger${size}`}
        disabled={props.disabled}
        onClick={() => setAsking(true)}
        data-testid={props.testId}
      >
        {props.label}
      </button>
    )
  }
  return (
    <span className="confirm" role="alertdialog" aria-label={props.question}>
      <span className="small">{props.question}</span>
      <button
        className={`btn btn-danger${size}`}
        onClick={() => {
          setAsking(false)
          props.onConfirm()
        }}
        data-testid={props.testId ? `${props.testId}-confirm` : undefined}
      >
        Yes, {props.label.toLowerCase()}
      </button>
      <button className={`btn${size}`} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  )
}
