-- Settles the blocked children of ONE tenant's parents that ended (core's
-- releaseDependents), in the order the parents ended: a child whose parents all
-- succeeded becomes waiting (delayed while its runAt is ahead); a child of a failed or
-- canceled parent fails with `dependency_failed`. A failed child with blocked children
-- of its own is pushed onto `x` by `finish`, so this same loop reaches them: a failure
-- cascades down a chain in one call while the limit allows.
-- A child still waiting on another parent stays in this parent's `c` entry: retention
-- spares a parent with a `c` entry naming an unfinished child, as the memory store does.
-- @keys 24
-- ARGV[1]  fence epoch   ARGV[2] now   ARGV[3] limit (children changed; checked between
--          parents, so a parent's children are handled together and the count may pass it)
-- Answer: { children changed }
-- @include keys
-- @include record
-- @include jobs
-- @include new-job
-- @include fence
if not fence_ok(ARGV[1]) then return redis.error_reply('stale_epoch ' .. ARGV[1]) end
local now, limit = ARGV[2], tonumber(ARGV[3])
local head = TENANT .. ':'

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

local changed = 0
while changed < limit do
  local parent = redis.call('LPOP', K.x)
  if not parent then break end
  local kids = redis.call('HGET', K.c, parent)
  if kids then
    local still, seen = {}, {}
    for kid in string.gmatch(kids, '%S+') do
      local r, old
      if not seen[kid] then
        seen[kid] = true
        r, old = load_job(kid)
      end
      if old == 'blocked' then
        local v, by, by_status = verdict(parents_of(r))
        if v == 'blocked' then
          still[#still + 1] = kid
        elseif v == 'failed' then
          finish(kid, r, old, 'failed', now, dependency_error(by, by_status))
          changed = changed + 1
        else
          set_runnable(r, now)
          save(kid, r, old)
          changed = changed + 1
        end
      end
    end
    if #still > 0 then
      redis.call('HSET', K.c, parent, table.concat(still, ' '))
    else
      redis.call('HDEL', K.c, parent)
    end
  end
end
return reply({ changed })
