--[[
  markAndApply-2: exactly-once-atomic. Marks an epoch done and applies the work's effect in one
  atomic step, so no crash can fall between them.

  KEYS[1]  flowlab:<lab>:done:<epoch>   the dedup mark
  KEYS[2]  flowlab:<lab>:effects        hash epoch -> executions (ground truth)
  ARGV[1]  worker id (the mark's value)
  ARGV[2]  dedup TTL in ms
  ARGV[3]  epoch (the hash field)

  Returns  1  executed (mark set, effect applied)
           0  duplicate (already marked; nothing changed)
]]
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
  return 1
end
return 0
