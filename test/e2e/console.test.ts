import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { openPage } from '../helpers/chromium'
import { useConsoleSession } from '../helpers/console-session'
import { ConsolePage } from './pages/console-page'

describe('the browser console', () => {
  const session = useConsoleSession()

  it('shows the shell with Redis up; Kill Redis shows it down and Restart brings it back', async () => {
    const { page, context, errors } = await openPage(session.browser, session.app.url)
    const console = new ConsolePage(page)
    await console.waitForShell()
    await console.expectLive()
    await console.goto('redis')
    await console.expectRedis('up')
    expect(await page.getByTestId('redis-url').textContent()).toContain('***')

    await console.killRedis()
    await console.expectRedis('down')
    await page.screenshot({ path: 'test-results/redis-down.png' })

    await console.restartRedis()
    await console.expectRedis('up')
    await console.goto('trace')
    await page.locator('[data-source="redis"][data-type="killed"]').waitFor({ timeout: 10_000 })
    expect(errors).toEqual([])
    await context.close()
  })

  it('refuses the page without the token (401)', async () => {
    const bare = await fetch(`${session.app.origin}/`)
    expect(bare.status).toBe(401)
    const wrong = await fetch(`${session.app.origin}/?token=not-the-token`)
    expect(wrong.status).toBe(401)
    const asset = await fetch(`${session.app.origin}/assets/anything.js`)
    expect(asset.status).toBe(401)
    const ok = await fetch(session.app.url)
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'")
  })

  it('refuses the WebSocket without the token', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${session.app.origin.replace('http', 'ws')}/ws`)
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('open', () => reject(new Error('opened without a token')))
      ws.on('error', () => undefined)
    })
    expect(status).toBe(401)
  })

  it('refuses a WebSocket from another origin even with the token', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(
        `${session.app.origin.replace('http', 'ws')}/ws?token=${session.app.token}`,
        {
          headers: { Origin: 'http://evil.example' }
        }
      )
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('open', () => reject(new Error('opened from a foreign origin')))
      ws.on('error', () => undefined)
    })
    expect(status).toBe(403)
  })
})
