-- Fires ONE schedule now, whatever its trigger (triggerSchedule): one job with
-- scheduledFor = now, unless the fire (schedule id, now) has a kept job already.
-- @keys 1
-- ARGV[1] now   ARGV[2] schedule id   ARGV[3] the row read (the job was built from it)
-- ARGV[4..8] the job: local id, priority, name, payload, options (src/codec.ts)
-- Answer: { 'retry' } the row changed meanwhile (read again), else { local id, record }
-- of the job made now or of the one an earlier trigger of this instant made.
-- @include keys
-- @include record
-- @include jobs
-- @include new-job
-- @include schedule
local ctx = new_ctx(KEYS)
local K = ctx.K
local now, sid, expected = ARGV[1], ARGV[2], ARGV[3]
local id, priority, name, payload, options = ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local current = redis.call('HGET', K.h, sid)
if not current then
  return redis.error_reply('not_found schedule ' .. cjson.encode(sid) .. ' of tenant ' .. cjson.encode(tenant_name(ctx)) .. ' was not found')
end
if current ~= expected then return reply(ctx, { 'retry' }) end

local key = fire_key(sid, now)
local held = fire_holder(ctx, key)
if held then
  local r = load_job(ctx, held)
  return reply(ctx, { held, rec_encode(r) })
end
if id_taken(ctx, id) then
  return redis.error_reply('conflict id: a job with id ' .. tenant_name(ctx) .. ':' .. id .. ' exists already')
end

local r = rec_new(priority, log_new(ctx, id, now), '', name, payload, options)
mark_live(ctx)
place(ctx, id, r, {}, now, nil)
redis.call('HSET', K.k, key, id)
-- core's countTrigger: lastFireAt never moves back.
local s = sched_decode(current)
s[S_RUNS] = tostring(tonumber(s[S_RUNS]) + 1)
sched_set_last_job(s, id)
if s[S_LAST] == '' or tonumber(s[S_LAST]) < tonumber(now) then s[S_LAST] = now end
sched_save(ctx, sid, s)
return reply(ctx, { id, rec_encode(r) })
