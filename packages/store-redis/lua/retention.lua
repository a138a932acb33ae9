-- Deletes ONE tenant's finished jobs beyond the retention policy (core's applyRetention):
-- those beyond the maxCount most recently finished, and those that finished before the
-- age cutoff. A parent whose `c` entry names a child not yet final is kept (the child may
-- still need to learn how it ended); it still takes one of the maxCount places. Deleting
-- a job frees its idempotency key.
-- @keys 24
-- ARGV[1]  fence epoch
-- ARGV[2]  maxCount: keep this many most recently finished ('' for no limit)
-- ARGV[3]  cutoff: delete jobs finished strictly before it (now - maxAgeMs; '' for none)
-- ARGV[4]  now: claim memos (K.q) older than MEMO_KEEP_MS are swept too — a live claimer
--          replaces its own at every call, so an old one is a dead claimer's
-- Answer: { deleted count }
-- @include keys
-- @include record
-- @include jobs
-- @include fence
if not fence_ok(ARGV[1]) then return redis.error_reply('stale_epoch ' .. ARGV[1]) end
local max_count, cutoff = ARGV[2], ARGV[3]

local candidates = {}
if max_count ~= '' then
  candidates = redis.call('ZREVRANGE', K.f, max_count, -1)
end
if cutoff ~= '' then
  local old = redis.call('ZRANGEBYSCORE', K.f, '-inf', '(' .. cutoff)
  for i = 1, #old do candidates[#candidates + 1] = old[i] end
end

-- True when a child that `c` still names for this parent has not ended.
local function has_open_child(id)
  local kids = redis.call('HGET', K.c, id)
  if not kids then return false end
  for kid in string.gmatch(kids, '%S+') do
    local s = status_of(kid)
    if s and not FINAL[s] then return true end
  end
  return false
end

local deleted = 0
local seen = {}
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
      if redis.call('HDEL', K.c, id) == 1 then redis.call('LREM', K.x, 0, id) end
      redis.call('HDEL', K.j, id)
      redis.call('ZREM', K.f, id)
      bump(r[R_STATUS], r[R_PRIORITY], -1)
      deleted = deleted + 1
    end
  end
end
local MEMO_KEEP_MS = 600000
local memos = redis.call('HGETALL', K.q)
for i = 1, #memos, 2 do
  local made = tonumber(string.match(memos[i + 1], '^(%d+) '))
  if not made or made < tonumber(ARGV[4]) - MEMO_KEEP_MS then redis.call('HDEL', K.q, memos[i]) end
end
return reply({ deleted })
