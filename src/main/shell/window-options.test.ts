import { describe, expect, it } from 'vitest'
import { DESKTOP_CSP, secureWindowOptions } from './window-options'

describe('the desktop window', () => {
  it('is isolated, sandboxed and has no Node', () => {
    const prefs = secureWindowOptions('/app/out/preload').webPreferences
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false
    })
    expect(prefs?.preload).toBe('/app/out/preload/index.js')
  })

  it('has a strict Content-Security-Policy', () => {
    expect(DESKTOP_CSP).toContain("default-src 'self'")
    expect(DESKTOP_CSP).toContain("script-src 'self'")
    expect(DESKTOP_CSP).not.toContain('unsafe-inline')
    expect(DESKTOP_CSP).not.toContain('unsafe-eval')
    expect(DESKTOP_CSP).toContain("object-src 'none'")
  })
})
