-- Takes back active jobs of ONE tenant whose lease expired (core's recoverExpiredLeases
-- and leaseExpiryError): the attempt stays spent; with attempts left the job waits again
-- at the back of its band (the lost attempt kept among its past attempts), with none it
-- fails with `lease_expired`. The caller picked the
-- ids across tenants (earliest expiry first); each is checked again here, since a
-- heartbeat or a settlement may have come in between.
-- @keys 1
-- ARGV[1]  fence epoch   ARGV[2] now   ARGV[3..] local ids, earliest expiry first
-- Answer: one outcome per id: 'r' requeued, 'f' failed, '' left alone
-- @include keys
-- @include record
-- @include jobs
-- @include fence
local ctx = new_ctx(KEYS)
local K = ctx.K
if not fence_ok(ctx, ARGV[1]) then return redis.error_reply('stale_epoch ' .. ARGV[1]) end
local now = ARGV[2]
local out = {}
for a = 3, #ARGV do
  local id = ARGV[a]
  local outcome = ''
  local expires = redis.call('ZSCORE', K.l, id)
  if expires and tonumber(expires) <= tonumber(now) then
    local r, old = load_job(ctx, id)
    if old ~= 'active' then
      redis.call('ZREM', K.l, id)
    else
      local attempt, max = tonumber(r[R_ATTEMPT]), rec_max_attempts(r)
      local worker = r[R_WORKER] ~= '' and r[R_WORKER] or 'unknown'
      local err = cjson.encode({
        code = 'lease_expired',
        message = 'the lease of worker ' .. worker .. ' expired during attempt ' .. r[R_ATTEMPT] .. ' of ' .. max,
      })
      if attempt >= max then
        finish(ctx, id, r, old, 'failed', now, err)
        outcome = 'f'
      else
        -- Another attempt follows: this one is a past attempt, and counts as retried.
        attempt_retried(ctx, id, r, now, err)
        rec_clear_lease(r)
        r[R_STATUS] = 'waiting'
        save(ctx, id, r, old)
        outcome = 'r'
      end
    end
  end
  out[#out + 1] = outcome
end
return reply(ctx, out)
