import { afterAll, describe, expect, it } from 'vitest'
import { openPage } from '../helpers/chromium'
import { useConsoleSession } from '../helpers/console-session'
import { pathWithoutRedis, tempDir } from '../helpers/temp-dir'
import { ConsolePage } from './pages/console-page'

describe('without redis-server', () => {
  const dir = tempDir()
  const session = useConsoleSession({
    env: { PATH: pathWithoutRedis(dir.path), REDIS_SERVER_BIN: '', REDIS_URL: '' }
  })
  afterAll(() => dir.remove())

  it('starts, says what is missing and how to install it', () => {
    expect(session.app.output()).toMatch(/redis-server was not found/)
    expect(session.app.output()).toContain('sudo apt-get install redis-server')
    expect(session.app.output()).toContain('brew install redis')
  })

  it('stays usable in the browser and shows the install commands', async () => {
    const { page, context, errors } = await openPage(session.browser, session.app.url)
    const console = new ConsolePage(page)
    await console.waitForShell()
    await console.expectLive()
    await console.goto('redis')
    await console.expectRedis('missing')
    const callout = await page.getByTestId('redis-missing').textContent()
    expect(callout).toContain('sudo apt-get install redis-server')
    expect(await page.getByTestId('problems').textContent()).toContain(
      'redis-server is not installed'
    )
    expect(await page.getByTestId('kill-redis').count()).toBe(0)
    await console.goto('trace')
    await page.locator('[data-source="redis"][data-type="missing"]').waitFor({ timeout: 10_000 })
    // A lab that needs Redis says so when started, in plain words, and nothing else breaks.
    await console.goto('dispatch')
    await page.getByTestId('dispatch-start').click()
    await page.locator('.settings .inline-error').waitFor({ timeout: 10_000 })
    expect(await page.locator('.settings .inline-error').textContent()).toMatch(/Redis is missing/)
    expect(await page.getByTestId('dispatch-status').textContent()).toBe('idle')
    await console.goto('cache')
    await page.getByTestId('lab-cache').waitFor()
    expect(errors).toEqual([])
    await context.close()
  })
})
