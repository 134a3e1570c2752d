import { useEffect, useState, type ComponentType, type ReactNode } from 'react'
import { ErrorBoundary } from './components/ErrorBoundary'
import { ProblemsBar } from './components/ProblemsBar'
import { StatusPill } from './components/StatusPill'
import { Toasts } from './components/Toasts'
import { COMING_LABS, type ComingLab } from './features/labs/coming-labs'
import { ComingPanel } from './features/labs/ComingPanel'
import { LESSON_VIEWS } from './features/lessons'
import { REDIS_TONE, RedisPanel } from './features/redis/RedisPanel'
import { LAB_FEATURES } from './features/registry'
import { TracePanel } from './features/trace/TracePanel'
import { formatDuration } from './lib/format'
import { useConsole } from './store'

/** One entry of the nav: its id is its hash route (`#/<id>`) and its testid (`nav-<id>`). */
interface Route {
  id: string
  title: string
  /** A planned lab, badged as such in the nav. */
  coming: boolean
  Panel: ComponentType
}

function comingRoute(lab: ComingLab): Route {
  return {
    id: lab.id,
    title: lab.title,
    coming: true,
    Panel: (): ReactNode => <ComingPanel lab={lab} />
  }
}

const BUILT = new Set<string>(LAB_FEATURES.map((lab) => lab.id))
// The built labs, then the planned ones the registry does not have yet, then the fixed routes.
const ROUTES: readonly Route[] = [
  ...LAB_FEATURES.map((lab) => ({ id: lab.id, title: lab.title, coming: false, Panel: lab.Panel })),
  ...COMING_LABS.filter((lab) => !BUILT.has(lab.id)).map(comingRoute),
  // Lessons are not a lab: they run the labs above from scenario files.
  ...LESSON_VIEWS.map((v) => ({ id: v.id, title: v.title, coming: false, Panel: v.Panel })),
  { id: 'redis', title: 'Redis', coming: false, Panel: RedisPanel },
  { id: 'trace', title: 'Trace', coming: false, Panel: TracePanel }
]
const DEFAULT_ROUTE = ROUTES[0]?.id ?? 'redis'

function routeFromHash(): string {
  const id = window.location.hash.replace(/^#\/?/, '')
  return ROUTES.some((r) => r.id === id) ? id : DEFAULT_ROUTE
}

type Theme = 'light' | 'dark'
function initialTheme(): Theme {
  const saved = window.localStorage.getItem('flowlab.theme')
  if (saved === 'light' || saved === 'dark') return saved
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

function Panel(props: { route: string }): ReactNode {
  const RoutePanel = ROUTES.find((r) => r.id === props.route)?.Panel
  return RoutePanel ? <RoutePanel /> : null
}

const PRESENCE_TEXT = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  error: 'Offline'
}

export function App(): ReactNode {
  const [route, setRoute] = useState<string>(routeFromHash)
  const [theme, setTheme] = useState<Theme>(initialTheme)
  const presence = useConsole((s) => s.presence)
  const presenceDetail = useConsole((s) => s.presenceDetail)
  const redis = useConsole((s) => s.snapshot?.redis)
  const app = useConsole((s) => s.snapshot?.app)
  const uptime = useConsole((s) => s.snapshot?.uptimeMs)

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
        {ROUTES.map((r) => (
          <a
            key={r.id}
            href={`#/${r.id}`}
            className={`nav-item${route === r.id ? ' active' : ''}`}
            aria-current={route === r.id ? 'page' : undefined}
            data-testid={`nav-${r.id}`}
          >
            {r.title}
            {r.coming ? <span className="badge">coming</span> : null}
          </a>
        ))}
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
