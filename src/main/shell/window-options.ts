import { join } from 'node:path'
import type { BrowserWindowConstructorOptions } from 'electron'

/**
 * Every BrowserWindow Flowlab opens uses these web preferences; a unit test asserts them. The
 * renderer gets no Node, runs sandboxed in its own JS world, and reaches the engine only through
 * the preload's `window.flowlab`.
 */
export function secureWindowOptions(preloadDir: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Flowlab',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(preloadDir, 'index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      spellcheck: false
    }
  }
}

/**
 * The desktop window's Content-Security-Policy, sent as a response header for every page it loads
 * (the renderer's index.html carries the same policy in a meta tag).
 */
export const DESKTOP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')
