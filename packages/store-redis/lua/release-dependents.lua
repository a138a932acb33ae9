-- Settles the blocked children of ONE tenant's parents that ended (core's
-- releaseDependents), in the order the parents ended: a child whose parents all
-- succeeded becomes waiting (delayed while its runAt is ahead); a child of a failed or
-- canceled parent fails with `dependency_failed`. A failed child with blocked children
-- of its own is pushed onto `x` by `finish`, so this same loop reaches them: a failure
-- cascades down a chain in one call while the limit allows.
--
-- Bounded: at most LIMIT children are looked at, in slices of a parent's members of K.c
-- (jobs.lua, "Children"); a parent with more stays at the head of `x` for the next call.
-- Every child looked at leaves the parent's slice; one still blocked (it waits on another
-- parent too, under which it is registered) is noted under this parent's waited range,
-- which only retention reads.
-- @keys 1
-- ARGV[1]  fence epoch   ARGV[2] now   ARGV[3] limit (children looked at)
-- Answer: { children changed, 1 when parents are left with children to look at else 0 }
-- @include keys
-- @include record
-- @include jobs
-- @include new-job
-- @include fence
local ctx = new_ctx(KEYS)
local K = ctx.K
if not fence_ok(ctx, ARGV[1]) then return redis.error_reply('stale_epoch ' .. ARGV[1]) end
local now, limit = ARGV[2], tonumber(ARGV[3])
local head = tenant_name(ctx) .. ':'

-- The local ids of a job's parents (options keep them in full: "<tenant>:<local>").
local function parents_of(r)
  local full = rec_options(r).dependsOn or {}
  local ids = {}
  for i = 1, #full do
    local id = full[i]
    if string.sub(id, 1, #head) == head then id = string.sub(id, #head + 1) end
    ids[i] = id
  end
  return ids
end

local changed, looked = 0, 0
while looked < limit do
  local parent = redis.call('LINDEX', K.x, 0)
  if not parent then break end
  local members = child_members(ctx, parent, math.min(CHUNK, limit - looked))
  if #members == 0 then
    redis.call('LPOP', K.x)
  else
    local skip = #parent + 2
    local waiting = {}
    for i = 1, #members do
      local kid = string.sub(members[i], skip)
      local r, old = load_job(ctx, kid)
      if old == 'blocked' then
        local v, by, by_status = verdict(ctx, parents_of(r))
        if v == 'blocked' then
          waiting[#waiting + 1] = 0
          waiting[#waiting + 1] = parent .. '\1' .. kid
        elseif v == 'failed' then
          finish(ctx, kid, r, old, 'failed', now, dependency_error(ctx, by, by_status))
          changed = changed + 1
        elseif v == 'ready' then
          set_runnable(r, now)
          save(ctx, kid, r, old)
          changed = changed + 1
        end
      end
    end
    looked = looked + #members
    call_chunked('ZREM', K.c, members)
    call_chunked('ZADD', K.c, waiting)
  end
end
return reply(ctx, { changed, redis.call('LLEN', K.x) > 0 and 1 or 0 })
