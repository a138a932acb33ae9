-- Leases parked jobs of ONE tenant in ONE band that were granted their gates' units
-- (gate-take.lua): each becomes active under the given holder, as claim.lua would have
-- made it. A job no longer parked (canceled meanwhile) or over the tenant's limits is not
-- taken, and its holder is answered so that the caller gives the units back.
-- @keys 1
-- ARGV[1..10] as claim.lua's (now, priority, count (unused), worker id, expiresAt, claim
--              id, claim id to forget, maxActive, rate, burst), so that a lost answer is
--              asked again the same way (src/store/claim.ts)
-- ARGV[11..] two per job: local id, holder
-- Answer: as claim.lua's: { waiting left in the stream, limited, parked, jobs taken, N not
--           taken, N pairs of local id and holder, then two per job taken: local id, record }
-- @include keys
-- @include record
-- @include jobs
-- @include limits
local ctx = new_ctx(KEYS)
local K = ctx.K
local now, p, worker, expires, claim_id, forget = ARGV[1], ARGV[2], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local max_active, rate, burst = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
if forget ~= '' then redis.call('HDEL', K.q, forget) end

local memo = redis.call('HGET', K.q, claim_id)
local refused, jobs = {}, {}
if memo then
  -- Asked again after a lost answer: the jobs that call leased, still under that lease.
  for id, token in string.gmatch(memo, '([^ /]+)/([^ ]+)') do
    local raw = redis.call('HGET', K.j, id)
    if raw and rec_decode(raw)[R_TOKEN] == token then
      jobs[#jobs + 1] = id
      jobs[#jobs + 1] = raw
    end
  end
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
      r[R_STATUS], r[R_ATTEMPT], r[R_STARTED], r[R_PROGRESS] = 'active', tostring(tonumber(r[R_ATTEMPT]) + 1), now, ''
      r[R_WORKER], r[R_TOKEN], r[R_EXPIRES] = worker, token, expires
      local record = rec_encode(r)
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
  if taken > 0 then redis.call('HSET', K.q, claim_id, now .. ' ' .. table.concat(handed, ' ')) end
end
flush_writes(ctx)
local c = redis.call('HMGET', K.n, 'waiting/' .. p, 'parked/' .. p)
local parked = tonumber(c[2] or '0')
local out = { tonumber(c[1] or '0') - parked, 0, parked, #jobs / 2, #refused / 2 }
for i = 1, #refused do out[#out + 1] = refused[i] end
for i = 1, #jobs do out[#out + 1] = jobs[i] end
return reply(ctx, out)
