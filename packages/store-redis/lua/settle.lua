-- Ends attempts of ONE tenant's jobs. First step: outcome 'succeeded' only.
-- @keys 15
-- KEYS[1]  a   hash  active leases (see claim.lua)
-- KEYS[2]  l   zset  lease deadlines
-- KEYS[3]  w   hash  job id -> "<priority>/<entry id>"
-- KEYS[4]  f   hash  job id -> finished record (fields joined by NUL)
-- KEYS[5]  fz  zset  finished job ids by finishedAt (for retention)
-- KEYS[6..15] streams of priority bands 0..9
-- ARGV[1]  now
-- ARGV[2..] four per settlement: job id, token, outcome, result (JSON, '' for none)
-- Returns one lease state per settlement: 'ok', or 'lost' (not held with that token).
-- @include streams
-- @include entry
local now = ARGV[1]
local out = {}
for j = 2, #ARGV, 4 do
  local id, token, outcome, result = ARGV[j], ARGV[j + 1], ARGV[j + 2], ARGV[j + 3]
  local lease = redis.call('HGET', KEYS[1], id)
  local state = 'lost'
  if lease then
    local priority, entry_id, attempt, held, _, started = string.match(lease,
      '^(%d)/([^/]+)/(%d+)/([^/]+)/([^/]+)/([^/]+)/')
    if held == token and outcome == 'succeeded' then
      local stream = stream_key(6, priority)
      local f = read_entry(stream, entry_id)
      if f then
        -- Fields joined by NUL: JSON never holds a raw NUL, and this is several µs a job
        -- cheaper than cjson. Order: status, priority, createdAt, attempt, startedAt,
        -- finishedAt, name, payload, options, result (see get-job.ts).
        redis.call('HSET', KEYS[4], id, table.concat({
          'succeeded', priority, f.t, attempt, started, now, f.n, f.p, f.o, result }, '\0'))
        redis.call('ZADD', KEYS[5], now, id)
      end
      -- XDEL frees the entry now; XTRIM MINID would be cheaper but lets one stuck job pin
      -- every later entry in memory.
      redis.call('XACK', stream, 'g', entry_id)
      redis.call('XDEL', stream, entry_id)
      redis.call('HDEL', KEYS[1], id)
      redis.call('ZREM', KEYS[2], id)
      redis.call('HDEL', KEYS[3], id)
      state = 'ok'
    end
  end
  out[#out + 1] = state
end
return out
