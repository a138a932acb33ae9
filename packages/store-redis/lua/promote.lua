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
local promoted = 0
for a = 3, #ARGV do
  local id = ARGV[a]
  local run_at = redis.call('ZSCORE', K.d, id)
  if run_at and tonumber(run_at) <= now then
    local r, old = load_job(ctx, id)
    if old == 'delayed' then
      r[R_STATUS] = 'waiting'
      save(ctx, id, r, old)
      promoted = promoted + 1
    else
      redis.call('ZREM', K.d, id)
    end
  end
end
return reply(ctx, { promoted })
