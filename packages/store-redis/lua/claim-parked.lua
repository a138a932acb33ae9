-- Leases parked jobs of ONE tenant in ONE band that were granted their gates' units
-- (gate-take.lua): each becomes active under the given holder, as claim.lua would have
-- made it. A job no longer parked (canceled meanwhile) or over the tenant's limits is not
-- taken, and its holder is answered so that the caller gives the units back.
-- @keys 1
-- ARGV[1..10] as claim.lua's (now, priority, count (unused), worker id, expiresAt, claim
--              id, claim id to forget, maxActive, rate, burst), so that a lost answer is
--              asked again the same way (src/store/claim-calls.ts)
-- ARGV[11..] two per job: local id, holder
-- Answer: as claim.lua's (claim_reply in claiming.lua): { waiting left in the stream,
--           limited (always 0), parked, jobs taken, N not taken, N pairs of local id and
--           holder, then two per job taken: local id, record }
-- @include keys
-- @include record
-- @include jobs
-- @include limits
-- @include claiming
local ctx = new_ctx(KEYS)
local K = ctx.K
local now, p, worker, expires, claim_id, forget = ARGV[1], ARGV[2], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local max_active, rate, burst = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
if forget ~= '' then redis.call('HDEL', K.q, forget) end

local memo = redis.call('HGET', K.q, claim_id)
local refused, jobs = {}, {}
if memo then
  -- Asked again after a lost answer: the jobs that call leased that are still active under
  -- that lease, as claim.lua answers (memo_replay); one canceled since is not handed out.
  jobs = memo_replay(ctx, memo)
else
  local room, spend = limit_room(ctx, tonumber(now), max_active, rate, burst)
  local taken, handed, limited = 0, {}, 0
  for a = 11, #ARGV, 2 do
    local id, holder = ARGV[a], ARGV[a + 1]
    local needs = redis.call('HGET', K.gn, id)
    local raw = redis.call('HGET', K.j, id)
    local r = raw and rec_decode(raw)
    if room ~= nil and taken >= room then limited = 1 end
    if limited == 0 and needs and string.sub(needs, 1, 1) ~= '@' and r and r[R_STATUS] == 'waiting' then
      taken = taken + 1
      local token = tostring(redis.call('HINCRBY', K.n, 'tok', 1))
      local record = active_record(r[R_PRIORITY], r[R_CREATED], r[R_ATTEMPT], now,
        table.concat(r, '\0', R_FINISHED, R_ERROR), worker, token, expires)
      redis.call('HSET', K.j, id, record)
      redis.call('ZADD', K.l, expires, id)
      redis.call('ZREM', K.g, id)
      redis.call('HSET', K.gn, id, '@' .. holder)
      index_move(ctx, id, r[R_CREATED], 'waiting', 'active')
      bump(ctx, 'parked', p, -1)
      bump(ctx, 'waiting', p, -1)
      bump(ctx, 'active', p, 1)
      handed[#handed + 1] = id .. '/' .. token
      jobs[#jobs + 1] = id
      jobs[#jobs + 1] = record
    else
      refused[#refused + 1] = id
      refused[#refused + 1] = holder
    end
  end
  spend(taken)
  if taken > 0 then keep_memo(ctx, claim_id, now, handed) end
end
-- The answer's `limited` is always 0: of this answer the claimer reads only the jobs and
-- the grants not used (src/store/claim.ts).
local left, parked = band_counts(ctx, p)
return claim_reply(ctx, left, 0, parked, #jobs / 2, refused, jobs)
