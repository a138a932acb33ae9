-- Leases up to COUNT waiting jobs of ONE tenant in ONE priority band, oldest first.
-- @keys 21
-- ARGV[1] now   ARGV[2] priority   ARGV[3] count   ARGV[4] worker id   ARGV[5] expiresAt
-- Answer: { waiting jobs left in the band, then two per job: local id, record }
--
-- The stream is read through its consumer group with NOACK: the lease is ours (record,
-- K.l), not the group's pending list, so consumers never pile up in the group and
-- nothing needs acknowledging. Every entry up to the last one read has been handed out
-- (the group reads in id order, and a waiting job is only ever appended), so one XTRIM
-- MINID frees them all at once. The writes are batched: one HSET, HDEL and ZADD for the
-- whole batch, so a claim costs about ten commands whatever its size.
-- @include keys
-- @include record
-- @include jobs
local now, p, count, worker, expires = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local stream = stream_of(p)
local function left()
  return tonumber(redis.call('HGET', K.n, 'waiting/' .. p) or '0')
end
if redis.call('EXISTS', stream) == 0 then return reply({ left() }) end
local read = redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', count, 'NOACK', 'STREAMS', stream, '>')
local entries = read and read[1] and read[1][2] or {}
local got = #entries
if got == 0 then return reply({ left() }) end

-- Tokens come from one counter per tenant: unique across claims, so a stale settlement
-- (from a lease taken back and handed out again) never matches.
local last_token = redis.call('HINCRBY', K.n, 'tok', got)
local out = { 0 }
local records, leases, ids = {}, {}, {}
for e = 1, got do
  local r, id = entry_record(entries[e][2], p)
  r[R_STATUS] = 'active'
  r[R_ATTEMPT] = tostring(tonumber(r[R_ATTEMPT]) + 1)
  r[R_STARTED] = now
  r[R_PROGRESS] = ''
  r[R_WORKER], r[R_TOKEN], r[R_EXPIRES] = worker, tostring(last_token - got + e), expires
  local raw = rec_encode(r)
  records[#records + 1] = id
  records[#records + 1] = raw
  leases[#leases + 1] = expires
  leases[#leases + 1] = id
  ids[#ids + 1] = id
  out[#out + 1] = id
  out[#out + 1] = raw
end
redis.call('HSET', K.j, unpack(records))
redis.call('ZADD', K.l, unpack(leases))
redis.call('HDEL', K.w, unpack(ids))
local last = entries[got][1]
local ms, seq = string.match(last, '^(%d+)-(%d+)$')
redis.call('XTRIM', stream, 'MINID', ms .. '-' .. (tonumber(seq) + 1))
bump('waiting', p, -got)
bump('active', p, got)
flush_writes()
out[1] = left()
return reply(out)
