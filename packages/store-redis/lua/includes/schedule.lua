-- Shared: a schedule's row in K.h and its fire index. Needs keys and record (and jobs for
-- fire_holder). The row is seven fields joined by NUL (and an eighth, below), '' for unset,
-- in the order of SCHEDULE_ROW_FIELDS in src/value-layouts.ts: what scripts change in place comes first, and the
-- definition (JSON, never changed here) last, so no script decodes or re-encodes JSON
-- (cjson would round numbers to 14 digits and turn [] into {}).
local S_NEXT, S_PAUSED, S_RUNS, S_LAST, S_CREATED, S_UPDATED, S_BODY = 1, 2, 3, 4, 5, 6, 7
local S_LASTJOB = 8 -- read and written through the body field: see sched_set_last_job
local SCHEDULE_FIELDS = 7

local function sched_decode(raw)
  return split_fields(raw, SCHEDULE_FIELDS)
end

local function sched_encode(s)
  return table.concat(s, '\0', 1, SCHEDULE_FIELDS)
end

-- The job of the latest fire (lastJobId) follows the body as an eighth field, the job's
-- local id (src/store/schedules/row.ts); a row written before cadenza kept it has none.
-- Split at seven fields, the body field holds it: this sets it there.
local function sched_set_last_job(s, id)
  local body = s[S_BODY]
  local cut = string.find(body, '\0', 1, true)
  if cut then body = string.sub(body, 1, cut - 1) end
  s[S_BODY] = body .. '\0' .. id
end

-- Writes schedule `id` (row fields `s`) and files it in K.hz when it may fire: unpaused
-- with a next fire. A due time that moved earlier is a 'due' note, so a sleeping
-- coordinator wakes for it.
local function sched_save(ctx, id, s)
  redis.call('HSET', ctx.K.h, id, sched_encode(s))
  if s[S_PAUSED] == '0' and s[S_NEXT] ~= '' then
    local old = redis.call('ZSCORE', ctx.K.hz, id)
    if not old or tonumber(s[S_NEXT]) < tonumber(old) then ctx.due = true end
    redis.call('ZADD', ctx.K.hz, s[S_NEXT], id)
  else
    redis.call('ZREM', ctx.K.hz, id)
  end
end

-- A fire (schedule id, scheduledFor) makes at most one job while that job is kept: K.k
-- maps the fire's key to it. The key starts with NUL, which no idempotency key sent by
-- core's schemas does. A holder that is gone (retention) no longer counts.
local function fire_key(schedule_id, at)
  return '\0f\0' .. schedule_id .. '\0' .. at
end

local function fire_holder(ctx, key)
  local id = redis.call('HGET', ctx.K.k, key)
  if id and status_of(ctx, id) then return id end
  return nil
end
