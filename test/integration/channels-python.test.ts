import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ChannelsCommandSchema,
  type ChannelsCommandInput,
  type JsonValue
} from '@shared/contract/labs/channels'
import { ChannelsLab } from '../../src/main/engine/channels/channels-lab'
import { ChannelsClient } from '../../src/main/engine/channels/remote/client'
import { freePort } from '../../src/main/engine/redis/free-port'
import { RedisHost } from '../../src/main/engine/redis/redis-host'
import { tempDir } from '../helpers/temp-dir'
import { eventually, ROOT } from './channels-harness'

// Acceptance 4: a Python consumer and a Python supplier (Debian's python3-zmq) exchange events with
// a TypeScript supplier and consumer through a channel with a filter. `python3` on PATH may be a
// Python without pyzmq, so this uses /usr/bin/python3 and skips only if the import really fails.
const PYTHON = process.env.FLOWLAB_PYTHON ?? '/usr/bin/python3'
const EXAMPLES = join(ROOT, 'examples', 'python')
const hasZmq = spawnSync(PYTHON, ['-c', 'import zmq'], { encoding: 'utf8' }).status === 0

interface PyProcess {
  child: ChildProcess
  lines: Record<string, unknown>[]
  stderr(): string
  exited: Promise<number | null>
}

function python(script: string, args: string[]): PyProcess {
  const child = spawn(PYTHON, [join(EXAMPLES, script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines: Record<string, unknown>[] = []
  let err = ''
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (l) =>
    lines.push(JSON.parse(l) as Record<string, unknown>)
  )
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)))
  return { child, lines, stderr: () => err, exited }
}

const severityOf = (e: JsonValue): number =>
  (e as { filterable_data: { name: string; value: number }[] }).filterable_data.find(
    (p) => p.name === 'severity'
  )?.value ?? -1

function reading(severity: number): JsonValue {
  return {
    header: {
      fixed_header: {
        event_type: { domain_name: 'Lab', type_name: 'Reading' },
        event_name: `ts-${severity}`
      },
      variable_header: []
    },
    filterable_data: [{ name: 'severity', value: severity }],
    remainder_of_body: { from: 'typescript' }
  }
}

describe.skipIf(!hasZmq)(
  'Python and TypeScript clients through one channel with a filter (acceptance 4)',
  () => {
    const dir = tempDir('flowlab-channels-py-')
    let redis: RedisHost
    let lab: ChannelsLab
    const children: PyProcess[] = []
    const clients: ChannelsClient[] = []
    const run = (c: ChannelsCommandInput): Promise<unknown> =>
      lab.execute(ChannelsCommandSchema.parse(c))

    beforeAll(async () => {
      redis = new RedisHost({ dataDir: dir.path })
      await redis.start()
      lab = new ChannelsLab({
        redis,
        emit: () => undefined,
        endpoint: `tcp://127.0.0.1:${await freePort()}`,
        prefix: `test-${Date.now()}`,
        channelOptions: { pollIntervalMs: 20 }
      })
      await lab.start()
    })

    afterAll(async () => {
      for (const c of clients) c.close()
      for (const p of children) if (p.child.exitCode === null) p.child.kill('SIGKILL')
      await Promise.all(children.map((p) => p.exited))
      await lab.close()
      await redis.close()
      dir.remove()
    })

    it('a Python consumer with $severity > 3 gets only 4 and 5 from a TypeScript supplier', async () => {
      const { channelId } = (await run({ type: 'channels:create' })) as { channelId: number }
      const py = python('channels_consumer.py', [
        lab.endpoint ?? '',
        String(channelId),
        '$severity > 3',
        '2'
      ])
      children.push(py)
      await eventually(
        () => py.lines.some((l) => l.ready === true),
        15_000,
        `python consumer ready ${py.stderr()}`
      )
      const ts = await ChannelsClient.open(lab.endpoint ?? '', { name: 'ts-supplier' })
      clients.push(ts)
      const proxy = await ts.obtain({ channel: channelId, role: 'push-supplier' })
      await ts.connect(proxy)
      expect(await ts.push(proxy, [1, 2, 3, 4, 5].map(reading))).toBe(5)
      expect(await py.exited).toBe(0)
      expect(py.stderr()).toBe('')
      const got = py.lines.filter((l) => 'event' in l).map((l) => severityOf(l.event as JsonValue))
      expect(got).toEqual([4, 5])
    })

    it('a Python supplier feeds a filtered TypeScript consumer and an unfiltered lab consumer', async () => {
      const { channelId } = (await run({
        type: 'channels:create',
        qos: [{ name: 'OrderPolicy', value: 1 }]
      })) as {
        channelId: number
      }
      const got: number[] = []
      const ts = await ChannelsClient.open(lab.endpoint ?? '', {
        name: 'ts-consumer',
        onPush: (_p, events) => {
          for (const e of events) got.push(severityOf(e))
        }
      })
      clients.push(ts)
      const proxy = await ts.obtain({ channel: channelId, role: 'push-consumer' })
      await ts.addFilter(proxy, [
        { constraint_expr: "$severity >= 4 and $.remainder_of_body.from == 'python'" }
      ])
      await ts.connect(proxy)
      const all = (await run({ type: 'channels:connect', channelId, role: 'pull-consumer' })) as {
        clientId: string
      }
      const py = python('channels_supplier.py', [lab.endpoint ?? '', String(channelId), '10'])
      children.push(py)
      expect(await py.exited).toBe(0)
      expect(py.stderr()).toBe('')
      expect(py.lines.filter((l) => l.accepted === 1)).toHaveLength(10)
      await eventually(() => got.length === 4, 10_000, 'filtered events at the TS consumer')
      expect(got).toEqual([4, 5, 4, 5])
      expect(lab.toInfo().clients.find((c) => c.id === all.clientId)?.received ?? 0).toBe(0)
      const queued = lab.toInfo().channels.find((c) => c.id === channelId)
        ?.consumerAdmins[0]?.proxies
      expect(queued?.find((p) => p.client.kind === 'lab')?.queue.length).toBe(10)
    })
  }
)
