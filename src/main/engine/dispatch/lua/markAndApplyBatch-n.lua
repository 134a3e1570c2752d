--[[
  markAndApplyBatch-n: exactly-once-atomic for a burst of epochs. For each epoch in order, exactly
  what markAndApply-2.lua does for one: SET the mark NX and, only if it was set, apply the effect.
  Each epoch's mark + effect stays atomic (the whole script is); epochs do not depend on each
  other, so a repeated epoch later in the same burst finds its own mark and counts as duplicate.
  One call per burst instead of one per message: the worker's Redis round trip was most of its
  CPU per message (measured), and one Lua call over many keys is the cheapest batch ioredis has.

  KEYS[1]    flowlab:<lab>:effects        hash epoch -> executions (ground truth)
  KEYS[1+i]  flowlab:<lab>:done:<epoch_i> the dedup mark of the i-th epoch (n = 1 + epochs)
  ARGV[1]    worker id (the marks' value)
  ARGV[2i]   epoch_i (the hash field)
  ARGV[2i+1] dedup TTL in ms of epoch_i

  Returns  an array, one entry per epoch in order:
           1  executed (mark set, effect applied)
           0  duplicate (already marked; nothing changed)
]]
local out = {}
for i = 1, #KEYS - 1 do
  if redis.call('SET', KEYS[1 + i], ARGV[1], 'NX', 'PX', ARGV[2 * i + 1]) then
    redis.call('HINCRBY', KEYS[1], ARGV[2 * i], 1)
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
