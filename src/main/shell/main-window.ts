import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { BrowserWindow, session, shell } from 'electron'
import { DESKTOP_CSP, secureWindowOptions } from './window-options'

/**
 * Opens the console window: secure options, CSP on every response, no navigation away from the
 * app, no new windows (external https links open in the user's browser instead).
 */
export function createMainWindow(outDir: string): BrowserWindow {
  const window = new BrowserWindow(secureWindowOptions(join(outDir, 'preload')))
  const appUrl = pathToFileURL(join(outDir, 'renderer', 'index.html')).toString()

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [DESKTOP_CSP] }
    })
  })
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false)
  )
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.webContents.on('will-attach-webview', (event) => event.preventDefault())
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.once('ready-to-show', () => window.show())
  void window.loadURL(appUrl)
  return window
}

/** True when `url` is the app's own page (what IPC senders must be). */
export function isAppUrl(outDir: string, url: string): boolean {
  const appUrl = pathToFileURL(join(outDir, 'renderer', 'index.html')).toString()
  return url.split('#')[0]?.split('?')[0] === appUrl
}
