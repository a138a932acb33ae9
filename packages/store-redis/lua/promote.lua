-- Moves delayed jobs of ONE tenant whose runAt has come to the back of their band. The
-- caller picked them across tenants (earliest runAt first, at most its limit); each is
-- checked again here, since it may have been canceled or promoted in between.
-- @keys 1
-- ARGV[1]  fence epoch   ARGV[2] now   ARGV[3..] local ids, earliest runAt first
-- Answer: { promoted count }
-- @include keys
-- @include record
-- @include jobs
-- @include fence
local ctx = new_ctx(KEYS)
local K = ctx.K
if not fence_ok(ctx, ARGV[1]) then return redis.error_reply('stale_epoch ' .. ARGV[1]) end
local now = tonumber(ARGV[2])
-- Read in bulk (ZMSCORE, HMGET), written in bulk (ZREM, HDEL, HSET): per job, only its
-- stream entry is a command of its own. Chunked as call_chunked is (unpack's limit).
local promoted = 0
local gone_delayed, gone_records, where, unindexed = {}, {}, {}, {}
for from = 3, #ARGV, 1000 do
  local ids = { unpack(ARGV, from, math.min(from + 999, #ARGV)) }
  local scores = redis.call('ZMSCORE', K.d, unpack(ids))
  local raws = redis.call('HMGET', K.j, unpack(ids))
  for i, id in ipairs(ids) do
    local run_at = scores[i]
    if run_at and tonumber(run_at) <= now then
      gone_delayed[#gone_delayed + 1] = id
      local raw = raws[i]
      if raw and string.sub(raw, 1, 8) == 'delayed\0' then
        -- save(ctx, id, r, 'delayed') for r waiting, with its writes gathered.
        local r = rec_decode(raw)
        local p = r[R_PRIORITY]
        bump(ctx, 'delayed', p, -1)
        bump(ctx, 'waiting', p, 1)
        local suffix = index_suffix(r[R_CREATED], id)
        if suffix then unindexed[#unindexed + 1] = STATUS_CODE.delayed .. suffix end
        gone_records[#gone_records + 1] = id
        where[#where + 1] = id
        where[#where + 1] = append_entry(ctx, p, entry_fields(id, r))
        promoted = promoted + 1
      end
    end
  end
end
-- A due id whose job is no longer delayed (canceled, promoted in between) only leaves K.d.
call_chunked('ZREM', K.d, gone_delayed)
call_chunked('HDEL', K.j, gone_records)
call_chunked('HSET', K.w, where)
call_chunked('ZREM', K.i, unindexed)
return reply(ctx, { promoted })
