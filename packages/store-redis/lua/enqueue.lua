-- Adds ready jobs of ONE tenant (all keys share its hash tag), all or nothing.
-- @keys 14
-- KEYS[1]  w   hash  job id -> "<priority>/<entry id>" (waiting or active jobs in a stream)
-- KEYS[2]  k   hash  idempotency key -> job id
-- KEYS[3]  n   hash  priority -> waiting count (also feeds depths and the band index check)
-- KEYS[4]  f   hash  job id -> finished record (to refuse a reused id)
-- KEYS[5..14] streams of priority bands 0..9
-- ARGV[1]  now (epoch ms; the server clock is never read)
-- ARGV[2..] six per job: id, priority, idempotency key ('' none), name, payload, options
-- Returns a flat array, two per job: created (1/0), id (the existing id when 0).
-- Fails with "conflict <id>" when an id is already taken (nothing written: checked first).
-- @include streams
local now = ARGV[1]
local jobs = (#ARGV - 1) / 6

-- Check everything before writing anything, so that a refused batch writes nothing.
for j = 0, jobs - 1 do
  local id = ARGV[2 + j * 6]
  if redis.call('HEXISTS', KEYS[1], id) == 1 or redis.call('HEXISTS', KEYS[4], id) == 1 then
    return redis.error_reply('conflict ' .. id)
  end
end

local out = {}
local ready_groups = {}
local added = {}
for j = 0, jobs - 1 do
  local base = 2 + j * 6
  local id, priority, key = ARGV[base], ARGV[base + 1], ARGV[base + 2]
  local existing = false
  if key ~= '' then existing = redis.call('HGET', KEYS[2], key) end
  if existing then
    out[#out + 1] = 0
    out[#out + 1] = existing
  else
    local stream = stream_key(5, priority)
    if not ready_groups[priority] then
      -- The group starts at 0 so that entries added before it was made are read too.
      if redis.call('EXISTS', stream) == 0 then
        redis.call('XGROUP', 'CREATE', stream, 'g', '0', 'MKSTREAM')
      end
      ready_groups[priority] = true
    end
    local entry = redis.call('XADD', stream, '*', 'i', id, 'n', ARGV[base + 3], 'p', ARGV[base + 4],
      'o', ARGV[base + 5], 'a', 0, 't', now)
    redis.call('HSET', KEYS[1], id, priority .. '/' .. entry)
    if key ~= '' then redis.call('HSET', KEYS[2], key, id) end
    added[priority] = (added[priority] or 0) + 1
    out[#out + 1] = 1
    out[#out + 1] = id
  end
end
for priority, count in pairs(added) do
  redis.call('HINCRBY', KEYS[3], priority, count)
end
return out
