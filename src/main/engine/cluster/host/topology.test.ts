import { describe, expect, it } from 'vitest'
import { evenSlotRanges, parseClusterNodes, slotMapSignature } from './topology'

const NODES = [
  'a1 127.0.0.1:30001@40001,host1 myself,master - 0 0 1 connected 0-5460 [5461->-b2]',
  'b2 127.0.0.1:30002@40002 master - 0 1426238316232 2 connected 5461-10922',
  'c3 127.0.0.1:30003@40003 master,fail - 0 1426238317741 3 connected 10923-16383',
  'd4 127.0.0.1:30004@40004 slave a1 0 1426238317239 1 connected',
  'e5 :0@0 handshake - 0 0 0 connected',
  ''
].join('\n')

describe('parseClusterNodes', () => {
  it('reads ids, addresses, flags, primaries and slots; skips handshakes and migrations', () => {
    const view = parseClusterNodes(NODES)
    expect(view.viewer).toBe('a1')
    expect(view.lines).toHaveLength(4)
    expect(view.lines[0]).toMatchObject({
      id: 'a1',
      host: '127.0.0.1',
      port: 30001,
      busPort: 40001,
      flags: ['myself', 'master'],
      primaryId: null,
      configEpoch: 1,
      slots: [[0, 5460]]
    })
    expect(view.lines[2]?.flags).toEqual(['master', 'fail'])
    expect(view.lines[3]).toMatchObject({ primaryId: 'a1', slots: [] })
    expect(slotMapSignature(view)).toBe('a1:0-5460 b2:5461-10922 c3:10923-16383')
  })

  it('splits the slots evenly', () => {
    expect(evenSlotRanges(3, 16_384)).toEqual([
      [0, 5460],
      [5461, 10921],
      [10922, 16383]
    ])
    expect(evenSlotRanges(1, 16_384)).toEqual([[0, 16383]])
  })
})
