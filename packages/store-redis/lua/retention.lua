-- Deletes ONE tenant's finished jobs beyond the retention policy (core's applyRetention):
-- those beyond the maxCount most recently finished, and those that finished before the
-- age cutoff, oldest first and at most BATCH of each per call (the caller calls again
-- while a call answers that it stopped at the bound). A parent is kept while a child it
-- has in K.c (jobs.lua, "Children") has not ended, as the memory store keeps it; it
-- still takes one of the maxCount places. Deleting a job frees its idempotency key.
-- @keys 1
-- ARGV[1]  fence epoch
-- ARGV[2]  maxCount: keep this many most recently finished ('' for no limit)
-- ARGV[3]  cutoff: delete jobs finished strictly before it (now - maxAgeMs; '' for none)
-- ARGV[4]  now: claim memos (K.q) older than MEMO_KEEP_MS are swept too — a live claimer
--          replaces its own at every call, so an old one is a dead claimer's
--
-- A tenant left with no job and no schedule leaves the tenant set (keys.lua, "Tenancy"):
-- its 'live' mark goes, the keys that outlive its jobs go (empty band streams and their
-- groups, the log, claim memos, keys of fires whose jobs are gone, stale child notes), and
-- the caller takes it out of P:tenants, so that nothing walks tenants that are done.
-- Answer: { deleted count, 1 when it stopped at the bound (call again) else 0,
--           1 when the tenant is left with nothing (leaves the tenant set) else 0 }
-- @include keys
-- @include record
-- @include jobs
-- @include fence
-- @include schedule
local ctx = new_ctx(KEYS)
local K = ctx.K
if not fence_ok(ctx, ARGV[1]) then return redis.error_reply('stale_epoch ' .. ARGV[1]) end
local max_count, cutoff = ARGV[2], ARGV[3]
-- Active jobs have no status index member (listing.lua); members that an earlier version
-- wrote for them would stay forever, since nothing removes them on settle any more.
redis.call('ZREMRANGEBYLEX', K.i, '[a', '(b')

local BATCH = 1000
local candidates, more = {}, 0
if max_count ~= '' then
  local excess = redis.call('ZCARD', K.f) - tonumber(max_count)
  if excess > 0 then
    candidates = redis.call('ZRANGE', K.f, 0, math.min(excess, BATCH) - 1)
    if excess > BATCH then more = 1 end
  end
end
if cutoff ~= '' then
  local old = redis.call('ZRANGEBYSCORE', K.f, '-inf', '(' .. cutoff, 'LIMIT', 0, BATCH)
  for i = 1, #old do candidates[#candidates + 1] = old[i] end
  if #old == BATCH then more = 1 end
end

-- True when `id` has children release-dependents has not looked at, or children it looked
-- at that have not ended. Those that ended are dropped as they are met; at most
-- WAITED_LOOK are read per parent, and a parent with more is kept for a later call.
local WAITED_LOOK = 100
local function has_open_child(id)
  if has_children(ctx, id) then return true end
  local from, to = waited_range(id)
  local members = redis.call('ZRANGEBYLEX', K.c, from, to, 'LIMIT', 0, WAITED_LOOK + 1)
  local ended = {}
  for i = 1, math.min(#members, WAITED_LOOK) do
    local s = status_of(ctx, string.sub(members[i], #id + 2))
    if s and not FINAL[s] then
      call_chunked('ZREM', K.c, ended)
      return true
    end
    ended[#ended + 1] = members[i]
  end
  call_chunked('ZREM', K.c, ended)
  return #members > WAITED_LOOK
end

local deleted = 0
local seen = {}
-- Deleted jobs, whose past attempts (K.pa) go with them in one HDEL after the loop.
local gone_ids = {}
for i = 1, #candidates do
  local id = candidates[i]
  if not seen[id] then
    seen[id] = true
    local raw = redis.call('HGET', K.j, id)
    local r = raw and rec_decode(raw)
    if not r or not FINAL[r[R_STATUS]] then
      -- Not finished any more (retried): the index entry is stale.
      redis.call('ZREM', K.f, id)
    elseif not has_open_child(id) then
      local key = rec_options(r).idempotencyKey
      if key and redis.call('HGET', K.k, key) == id then redis.call('HDEL', K.k, key) end
      -- The key of the fire that made it (schedule.lua), in the text the fire was keyed by.
      local sid = string.match(r[R_OPTIONS], '"scheduleId":"([^"]+)"')
      local at = string.match(r[R_OPTIONS], '"scheduledFor":([%d%.eE+-]+)')
      if sid and at then
        local fire = fire_key(sid, at)
        if redis.call('HGET', K.k, fire) == id then redis.call('HDEL', K.k, fire) end
      end
      redis.call('HDEL', K.j, id)
      redis.call('ZREM', K.f, id)
      gone_ids[#gone_ids + 1] = id
      unlist(ctx, id, r[R_CREATED], r[R_STATUS])
      bump(ctx, r[R_STATUS], r[R_PRIORITY], -1)
      deleted = deleted + 1
    end
  end
end
if #gone_ids > 0 then call_chunked('HDEL', K.pa, gone_ids) end
log_forget(ctx)
local MEMO_KEEP_MS = 600000
local memos = redis.call('HGETALL', K.q)
for i = 1, #memos, 2 do
  local made = tonumber(string.match(memos[i + 1], '^(%d+) '))
  if not made or made < tonumber(ARGV[4]) - MEMO_KEEP_MS then redis.call('HDEL', K.q, memos[i]) end
end
-- Nothing left: no schedule, no parent awaiting release, and every job count at zero.
local function is_empty()
  if redis.call('HLEN', K.h) > 0 or redis.call('LLEN', K.x) > 0 then return false end
  flush_writes(ctx)
  -- K.n holds at most a count per status and band and a few other fields.
  local fields = redis.call('HGETALL', K.n)
  for i = 1, #fields, 2 do
    if string.find(fields[i], '/', 1, true) and tonumber(fields[i + 1]) ~= 0 then return false end
  end
  for p = 0, 9 do
    if redis.call('XLEN', stream_of(ctx, p)) > 0 then return false end
  end
  return true
end

local left = 0
if more == 0 and is_empty() then
  redis.call('HDEL', K.n, 'live')
  -- Its activity (K.m) goes too: a tenant out of the registry is not read for it.
  local gone = { K.a, K.al, K.q, K.k, K.c, K.gn, K.m, K.pa }
  for p = 0, 9 do gone[#gone + 1] = stream_of(ctx, p) end
  redis.call('DEL', unpack(gone))
  left = 1
end
return reply(ctx, { deleted, more, left })
