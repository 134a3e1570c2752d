import { join } from 'node:path'
import type { BrowserWindowConstructorOptions } from 'electron'
import { CONTENT_SECURITY_POLICY } from '@shared/csp'

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

/** The desktop window's Content-Security-Policy: the same policy the browser console sends. */
export const DESKTOP_CSP = CONTENT_SECURITY_POLICY
