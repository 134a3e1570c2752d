import { useEffect, useState, type ReactNode } from 'react'
import { ErrorBoundary } from './components/ErrorBoundary'
import { ProblemsBar } from './components/ProblemsBar'
import { StatusPill } from './components/StatusPill'
import { Toasts } from './components/Toasts'
import { ChannelsPanel } from './features/channels/ChannelsPanel'
import { DispatchPanel } from './features/dispatch/DispatchPanel'
import { ComingPanel } from './features/labs/ComingPanel'
import { REDIS_TONE, RedisPanel } from './features/redis/RedisPanel'
import { TracePanel } from './features/trace/TracePanel'
import { formatDuration } from './lib/format'
import { useConsole } from './store'

type Route = 'dispatch' | 'channels' | 'cache' | 'cluster' | 'redis' | 'trace'
const ROUTES: { id: Route; title: string }[] = [
  { id: 'dispatch', title: 'Dispatch' },
  { id: 'channels', title: 'Channels' },
  { id: 'cache', title: 'Cache' },
  { id: 'cluster', title: 'Cluster' },
  { id: 'redis', title: 'Redis' },
  { id: 'trace', title: 'Trace' }
]
const DEFAULT_ROUTE: Route = 'dispatch'

function routeFromHash(): Route {
  const id = window.location.hash.replace(/^#\/?/, '')
  return ROUTES.some((r) => r.id === id) ? (id as Route) : DEFAULT_ROUTE
}

type Theme = 'light' | 'dark'
function initialTheme(): Theme {
  const saved = window.localStorage.getItem('flowlab.theme')
  if (saved === 'light' || saved === 'dark') return saved
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

function Panel(props: { route: Route }): ReactNode {
  const labs = useConsole((s) => s.snapshot?.labs)
  switch (props.route) {
    case 'redis':
      return <RedisPanel />
    case 'trace':
      return <TracePanel />
    case 'dispatch':
      return <DispatchPanel />
    case 'channels':
      return <ChannelsPanel />
    default: {
      const lab = labs?.find((l) => l.id === props.route)
      return <ComingPanel lab={props.route} title={lab?.title ?? props.route} />
    }
  }
}

const PRESENCE_TEXT = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  error: 'Offline'
}

export function App(): ReactNode {
  const [route, setRoute] = useState<Route>(routeFromHash)
  const [theme, setTheme] = useState<Theme>(initialTheme)
  const presence = useConsole((s) => s.presence)
  const presenceDetail = useConsole((s) => s.presenceDetail)
  const redis = useConsole((s) => s.snapshot?.redis)
  const app = useConsole((s) => s.snapshot?.app)
  const uptime = useConsole((s) => s.snapshot?.uptimeMs)
  const labs = useConsole((s) => s.snapshot?.labs)

  useEffect(() => {
    const onHash = (): void => setRoute(routeFromHash())
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])
  useEffect(() => {
    document.documentElement.dataset.theme = theme
    window.localStorage.setItem('flowlab.theme', theme)
  }, [theme])

  return (
    <div className="app" data-testid="app-shell">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⇄
          </span>
          Flowlab
        </div>
        <div className="spacer" />
        <StatusPill
          tone={presence === 'live' ? 'ok' : presence === 'error' ? 'bad' : 'warn'}
          testId="connection-state"
          title={presenceDetail ?? undefined}
        >
          {PRESENCE_TEXT[presence]}
        </StatusPill>
        <StatusPill tone={redis ? REDIS_TONE[redis.status] : 'idle'} testId="topbar-redis">
          Redis {redis?.status ?? '…'}
        </StatusPill>
        <button
          className="icon-btn"
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          title="Switch theme"
          data-testid="theme-toggle"
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      <nav className="sidebar" aria-label="Labs">
        {ROUTES.map((r) => {
          const coming = labs?.find((l) => l.id === r.id)?.status === 'coming'
          return (
            <a
              key={r.id}
              href={`#/${r.id}`}
              className={`nav-item${route === r.id ? ' active' : ''}`}
              aria-current={route === r.id ? 'page' : undefined}
              data-testid={`nav-${r.id}`}
            >
              {r.title}
              {coming ? <span className="badge">coming</span> : null}
            </a>
          )
        })}
      </nav>
      <main className="content">
        {presence === 'error' && presenceDetail ? (
          <div className="callout callout-bad">{presenceDetail}</div>
        ) : null}
        <ProblemsBar />
        <ErrorBoundary key={route} name={route}>
          <Panel route={route} />
        </ErrorBoundary>
      </main>
      <footer className="statusbar">
        <span>
          {app
            ? `Flowlab ${app.version} · ${app.door === 'desktop' ? 'desktop' : 'browser console'}`
            : 'Flowlab'}
        </span>
        <span>{redis?.url ?? ''}</span>
        <span className="spacer" />
        <span>{uptime !== undefined ? `engine up ${formatDuration(uptime)}` : ''}</span>
      </footer>
      <Toasts />
    </div>
  )
}
