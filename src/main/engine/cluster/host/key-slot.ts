/** Number of hash slots in a Redis Cluster. */
export const CLUSTER_SLOTS = 16_384

/** CRC16-XMODEM (polynomial 0x1021, initial 0), the checksum Redis Cluster hashes keys with. */
const CRC16_TABLE = ((): Uint16Array => {
  const table = new Uint16Array(256)
  for (let i = 0; i < 256; i++) {
    let crc = i << 8
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1
    }
    table[i] = crc & 0xffff
  }
  return table
})()

function crc16(bytes: Uint8Array): number {
  let crc = 0
  for (const byte of bytes) {
    crc = ((crc << 8) ^ (CRC16_TABLE[((crc >> 8) ^ byte) & 0xff] as number)) & 0xffff
  }
  return crc
}

const encoder = new TextEncoder()

/**
 * The hash slot of `key`, as Redis computes it: CRC16 of the key mod 16384, except that a key
 * holding a non-empty `{hash tag}` is hashed on the tag alone (the first `{` and the first `}`
 * after it), so `{user1000}.following` and `{user1000}.followers` share a slot.
 */
export function keySlot(key: string): number {
  const bytes = encoder.encode(key)
  const open = bytes.indexOf(0x7b)
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1)
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) % CLUSTER_SLOTS
  }
  return crc16(bytes) % CLUSTER_SLOTS
}
