-- Leases up to COUNT waiting jobs of ONE tenant in ONE priority band, oldest first.
-- @keys 4
-- KEYS[1]  s   stream of the band (consumer group 'g', one shared consumer 'c': the lease
--              itself lives in KEYS[3]/KEYS[4], so consumers never pile up in the group)
-- KEYS[2]  n   hash  priority -> waiting count; field 'tok' is the lease token counter
-- KEYS[3]  a   hash  job id -> "<priority>/<entry id>/<attempt>/<token>/<expiresAt>/<startedAt>/<workerId>"
-- KEYS[4]  l   zset  job id scored by lease deadline (for taking back expired leases)
-- ARGV[1]  now   ARGV[2] priority   ARGV[3] count   ARGV[4] worker id   ARGV[5] expiresAt
-- Returns { waiting count left in the band, then eight per job:
--           id, name, payload, options, attempt, createdAt, token, entry id }
local now, priority, count, worker, expires = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return { tonumber(redis.call('HGET', KEYS[2], priority) or '0') }
end
local read = redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', count, 'STREAMS', KEYS[1], '>')
local entries = read and read[1] and read[1][2] or {}
local got = #entries
if got == 0 then
  return { tonumber(redis.call('HGET', KEYS[2], priority) or '0') }
end
-- Tokens come from one counter per tenant: unique across claims, so a stale settlement
-- (from a lease taken back and handed out again) never matches.
local last_token = redis.call('HINCRBY', KEYS[2], 'tok', got)
local left = redis.call('HINCRBY', KEYS[2], priority, -got)
local out = { left }
for j = 1, got do
  local entry_id, raw = entries[j][1], entries[j][2]
  local f = {}
  for k = 1, #raw, 2 do f[raw[k]] = raw[k + 1] end
  local attempt = tonumber(f.a) + 1
  local token = tostring(last_token - got + j)
  redis.call('HSET', KEYS[3], f.i,
    table.concat({ priority, entry_id, attempt, token, expires, now, worker }, '/'))
  redis.call('ZADD', KEYS[4], expires, f.i)
  out[#out + 1] = f.i
  out[#out + 1] = f.n
  out[#out + 1] = f.p
  out[#out + 1] = f.o
  out[#out + 1] = attempt
  out[#out + 1] = f.t
  out[#out + 1] = token
  out[#out + 1] = entry_id
end
return out
