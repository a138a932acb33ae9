-- Records fires of ONE tenant's schedules and creates their jobs (recordFires), fenced.
-- @keys 1
-- ARGV[1] epoch   ARGV[2] now
-- ARGV[3..] per fire: schedule id, expectedNextFireAt, nextFireAt ('' for none), job
--           count, then seven per job: local id, priority, name, payload, options
--           (src/codec.ts), runAt ('' for none), scheduledFor (also inside the options,
--           which stay opaque here).
-- Answer: per fire: applied (0/1), number of jobs created, their local ids.
--
-- Every job id is checked before anything is written (core's checkFires asked the same
-- in TS; this closes the race), so a refusal writes nothing.
-- @include keys
-- @include record
-- @include jobs
-- @include new-job
-- @include fence
-- @include schedule
local ctx = new_ctx(KEYS)
local K = ctx.K
local JOB_FIELDS = 7
if not fence_ok(ctx, ARGV[1]) then return redis.error_reply('stale_epoch ' .. ARGV[1]) end
local now = ARGV[2]

local fires = {}
local a = 3
while a <= #ARGV do
  local fire = { sid = ARGV[a], expected = ARGV[a + 1], next = ARGV[a + 2], jobs = {} }
  local count = tonumber(ARGV[a + 3])
  a = a + 4
  for _ = 1, count do
    local id = ARGV[a]
    if id_taken(ctx, id) then
      return redis.error_reply('invalid_argument id: got ' .. cjson.encode(tenant_name(ctx) .. ':' .. id) .. ', expected a new job id, used once')
    end
    fire.jobs[#fire.jobs + 1] = a
    a = a + JOB_FIELDS
  end
  fires[#fires + 1] = fire
end

local out = {}
for f = 1, #fires do
  local fire = fires[f]
  local raw = redis.call('HGET', K.h, fire.sid)
  local s = raw and sched_decode(raw)
  -- core's fireApplies: the schedule exists, runs, and still expects this fire.
  if not s or s[S_PAUSED] ~= '0' or s[S_NEXT] == '' or tonumber(s[S_NEXT]) ~= tonumber(fire.expected) then
    out[#out + 1] = 0
    out[#out + 1] = 0
  else
    local made = {}
    local last = s[S_LAST]
    for _, j in ipairs(fire.jobs) do
      local id, at = ARGV[j], ARGV[j + 6]
      local key = fire_key(fire.sid, at)
      if not fire_holder(ctx, key) then
        local r = rec_new(ARGV[j + 1], log_new(ctx, id, now), ARGV[j + 5], ARGV[j + 2], ARGV[j + 3], ARGV[j + 4])
        mark_live(ctx)
        place(ctx, id, r, {}, now, nil)
        redis.call('HSET', K.k, key, id)
        made[#made + 1] = id
      end
      -- core's countFire: lastFireAt follows every fire time, created or not, never back.
      if last == '' or tonumber(at) > tonumber(last) then last = at end
    end
    s[S_RUNS] = tostring(tonumber(s[S_RUNS]) + #made)
    s[S_LAST] = last
    if #made > 0 then sched_set_last_job(s, made[#made]) end
    s[S_NEXT] = fire.next
    sched_save(ctx, fire.sid, s)
    out[#out + 1] = 1
    out[#out + 1] = #made
    for _, id in ipairs(made) do out[#out + 1] = id end
  end
end
return reply(ctx, out)
