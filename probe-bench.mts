import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { benchChannels } from './bench/channels-bench'
import { RedisHost } from './src/main/engine/redis/redis-host'
const dir = mkdtempSync(join(tmpdir(), 'flowlab-bench-'))
const redis = new RedisHost({ dataDir: dir })
await redis.start()
console.log('redis', redis.status)
const t = Date.now()
try {
  console.log(JSON.stringify(await benchChannels(redis), null, 1))
} catch (e) { console.log('ERR', e) } finally {
  await redis.close()
  rmSync(dir, { recursive: true, force: true })
}
console.log('took', Date.now() - t)
