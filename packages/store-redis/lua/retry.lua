-- Turns a failed job of ONE tenant back into a fresh one (core's retryVerdict and
-- resetForRetry): blocked while a parent has not succeeded, else delayed or waiting.
-- @keys 1
-- ARGV[1] now
-- ARGV[2] local id
-- Answer: 'ok' and the job's record; 'none' when unknown; 'refused' and its record when
-- it is not failed, or 'refused', its record, a parent (local id) that ended failed or
-- canceled and that parent's status: the caller words the conflict with retryVerdict.
-- @include keys
-- @include record
-- @include jobs
-- @include new-job
local ctx = new_ctx(KEYS)
local K = ctx.K
local now, id = ARGV[1], ARGV[2]
local r, old = load_job(ctx, id)
if not r then return reply(ctx, { 'none' }) end
if old ~= 'failed' then return reply(ctx, { 'refused', rec_encode(r) }) end

local parents = {}
local own = tenant_name(ctx) .. ':'
for _, given in ipairs(rec_options(r).dependsOn or {}) do
  parents[#parents + 1] = string.sub(given, #own + 1)
end
local v, parent, parent_status = verdict(ctx, parents)
if v == 'failed' then return reply(ctx, { 'refused', rec_encode(r), parent, parent_status }) end

-- Its last attempt becomes a past one (its worker is not known: a final job holds no
-- lease); a job failed by its parent never ran and has none.
if tonumber(r[R_ATTEMPT]) >= 1 and r[R_ERROR] ~= '' then
  keep_past_attempt(ctx, id, r[R_ATTEMPT], r[R_STARTED], r[R_FINISHED] ~= '' and r[R_FINISHED] or now, '', r[R_ERROR])
end
r[R_ATTEMPT] = '0'
r[R_ERROR], r[R_RESULT], r[R_PROGRESS], r[R_STARTED], r[R_FINISHED] = '', '', '', '', ''
rec_clear_lease(r)
-- No longer final: out of the retention index, and no parent that ended any more.
redis.call('ZREM', K.f, id)
redis.call('LREM', K.x, 0, id)
place(ctx, id, r, parents, now, old)
return reply(ctx, { 'ok', rec_encode(r) })
