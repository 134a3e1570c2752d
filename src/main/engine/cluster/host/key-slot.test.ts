import { describe, expect, it } from 'vitest'
import { keySlot } from './key-slot'

describe('keySlot', () => {
  it('matches Redis CLUSTER KEYSLOT', () => {
    expect(keySlot('foo')).toBe(12182)
    expect(keySlot('bar')).toBe(5061)
    expect(keySlot('123456789')).toBe(0x31c3 % 16_384)
  })

  it('hashes only a non-empty {hash tag}', () => {
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'))
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'))
    expect(keySlot('foo{}{bar}')).toBe(keySlot('foo{}{bar}'))
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'))
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'))
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'))
  })

  it('hashes UTF-8 bytes and stays in range', () => {
    for (const key of ['', 'é', '日本語', 'x'.repeat(1000)]) {
      const slot = keySlot(key)
      expect(slot).toBeGreaterThanOrEqual(0)
      expect(slot).toBeLessThan(16_384)
    }
  })
})
