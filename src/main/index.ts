import { join } from 'node:path'
import { app, BrowserWindow } from 'electron'
import { createEngine } from './engine'
import { installIpcBridge } from './shell/ipc-bridge'
import { createMainWindow, isAppUrl } from './shell/main-window'

/**
 * The desktop composition root: one engine, one window, the IPC bridge. Everything else lives in
 * the engine, which runs the same under plain Node (`flowlab console`).
 */
const outDir = join(__dirname, '..')

if (!app.requestSingleInstanceLock()) app.quit()

app.whenReady().then(async () => {
  const engine = createEngine({
    dataDir: app.getPath('userData'),
    door: 'desktop',
    redisUrl: process.env.REDIS_URL || undefined,
    version: app.getVersion(),
    scenarioDir: join(app.getAppPath(), 'scenarios')
  })
  const removeBridge = installIpcBridge(engine, (contents, frameUrl) => {
    const window = BrowserWindow.fromWebContents(contents)
    return window !== null && isAppUrl(outDir, frameUrl)
  })
  createMainWindow(outDir)
  await engine.start()

  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting) return
    // Stop Redis and workers before the process goes, so nothing is orphaned.
    event.preventDefault()
    quitting = true
    removeBridge()
    void engine.close().finally(() => app.quit())
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit())
})

app.on('window-all-closed', () => app.quit())
