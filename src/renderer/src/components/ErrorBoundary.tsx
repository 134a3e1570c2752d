import { Component, type ErrorInfo, type ReactNode } from 'react'

/** One per panel: a panel that throws shows its error and a retry, and the rest keeps working. */
export class ErrorBoundary extends Component<
  { name: string; children: ReactNode },
  { error: Error | null }
> {
  override state: { error: Error | null } = { error: null }

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error }
  }

  override componentDidCatch(_error: Error, _info: ErrorInfo): void {
    // Shown in the panel itself; nothing to log to.
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children
    return (
      <div className="panel-error" role="alert">
        <h2>The {this.props.name} panel failed</h2>
        <p>{this.state.error.message}</p>
        <button className="btn" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    )
  }
}
