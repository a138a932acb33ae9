-- Extends the leases of ONE tenant's active jobs and records their progress.
-- @keys 1
-- ARGV[1] expiresAt (now + leaseMs)
-- ARGV[2..] three per entry: local id, token, progress (JSON; '' when none was given)
-- Answer: one lease state per entry: 'ok', 'lost' or 'canceled' (core's leaseStateOf).
-- A lease past its expiry that nobody took back is still held (see core's leases.ts).
-- @include keys
-- @include record
-- @include jobs
local ctx = new_ctx(KEYS)
local K = ctx.K
local expires = ARGV[1]
local out, records, leases = {}, {}, {}
for a = 2, #ARGV, 3 do
  local id, token, progress = ARGV[a], ARGV[a + 1], ARGV[a + 2]
  local raw = redis.call('HGET', K.j, id)
  local state = 'lost'
  if raw then
    local r = rec_decode(raw)
    if r[R_TOKEN] == token and r[R_STATUS] == 'canceled' then
      state = 'canceled'
    elseif r[R_TOKEN] == token and r[R_STATUS] == 'active' then
      state = 'ok'
      r[R_EXPIRES] = expires
      if progress ~= '' then r[R_PROGRESS] = progress end
      records[#records + 1] = id
      records[#records + 1] = rec_encode(r)
      leases[#leases + 1] = expires
      leases[#leases + 1] = id
    end
  end
  out[#out + 1] = state
end
call_chunked('HSET', K.j, records)
call_chunked('ZADD', K.l, leases)
return reply(ctx, out)
