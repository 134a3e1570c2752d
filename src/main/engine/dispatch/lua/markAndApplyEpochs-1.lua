--[[
  markAndApplyEpochs-1: exactly-once-atomic for a pipelined batch (protocol v2). For each epoch in
  order, exactly what markAndApply-2.lua does for one: SET the mark NX and, only if it was set,
  apply the effect. The whole script is atomic, so each epoch's mark + effect is too; a repeated
  epoch later in the same batch finds its own mark and counts as duplicate.
  The epochs arrive as the request's binary frame itself (8 bytes each: uint32 LE epoch, uint32 LE
  attempt), so a batch is one argument instead of three per epoch: measured, the per-argument
  work of the client was most of a pipelined worker's cost per epoch.

  KEYS[1]  flowlab:<lab>:effects        hash epoch -> executions (ground truth)
  ARGV[1]  flowlab:<lab>:done:          prefix of the dedup marks (the mark of epoch e is ARGV[1]..e;
                                        built here, so this script suits one Redis, not a cluster)
  ARGV[2]  worker id (the marks' value)
  ARGV[3]  dedup TTL in ms
  ARGV[4]  the epochs, n entries of 8 bytes

  Returns  a string of n characters, one per epoch in order:
           '1' executed (mark set, effect applied), '0' duplicate (already marked; nothing changed)
]]
local entries = ARGV[4]
local out = {}
for i = 1, math.floor(#entries / 8) do
  local epoch = struct.unpack('<I4', entries, (i - 1) * 8 + 1)
  if redis.call('SET', ARGV[1] .. epoch, ARGV[2], 'NX', 'PX', ARGV[3]) then
    redis.call('HINCRBY', KEYS[1], epoch, 1)
    out[i] = '1'
  else
    out[i] = '0'
  end
end
return table.concat(out)
