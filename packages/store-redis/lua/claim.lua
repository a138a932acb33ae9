-- Leases up to COUNT waiting jobs of ONE tenant in ONE priority band, oldest first.
-- @keys 22
-- ARGV[1] now   ARGV[2] priority   ARGV[3] count   ARGV[4] worker id   ARGV[5] expiresAt
-- ARGV[6] claim id (unique per call)   ARGV[7] the claim id this claimer last got an
--         answer for from this tenant ('' none): its memo can go
-- ARGV[8] maxActive   ARGV[9] rate (jobs/s)   ARGV[10] burst — the tenant's limits, '' none
-- Answer: { waiting jobs left in the band, limited (1: a limit held the tenant to at most
--           COUNT jobs, so asking it again in the same call is pointless; 0 otherwise),
--           then two per job: local id, record }
--
-- Memo: the ids and tokens a claim handed out (after the time it was made, for retention
-- to sweep the memos of claimers that died) stay in K.q under its claim id until the
-- same claimer's next call. A claimer whose reply was lost (connection dropped) asks again
-- with the same claim id and gets the same jobs back, so a reconnect alone never leaves
-- jobs leased to nobody until their lease expires (which would spend their attempt).
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
-- @include limits
local now, p, count, worker, expires = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local claim_id, forget = ARGV[6], ARGV[7]
local max_active, rate, burst = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local stream = stream_of(p)
local function left()
  return tonumber(redis.call('HGET', K.n, 'waiting/' .. p) or '0')
end
if forget ~= '' then redis.call('HDEL', K.q, forget) end

local memo = redis.call('HGET', K.q, claim_id)
if memo then
  -- Asked again: the jobs of the lost answer that are still under that lease.
  local again = { 0, 0 }
  for id, token in string.gmatch(memo, '([^ /]+)/([^ ]+)') do
    local raw = redis.call('HGET', K.j, id)
    if raw then
      local r = rec_decode(raw)
      if r[R_STATUS] == 'active' and r[R_TOKEN] == token then
        again[#again + 1] = id
        again[#again + 1] = raw
      end
    end
  end
  again[1] = left()
  return reply(again)
end
if redis.call('EXISTS', stream) == 0 then return reply({ left(), 0 }) end
-- Over a limit the jobs stay waiting, and the count left is still the band's whole count:
-- a limited tenant keeps its place in the ready index (it is not an empty one).
local room, spend = limit_room(tonumber(now), max_active, rate, burst)
local limited = 0
if room ~= nil and room <= count then
  limited = 1
  count = room
end
if count <= 0 then return reply({ left(), limited }) end
local read = redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', count, 'NOACK', 'STREAMS', stream, '>')
local entries = read and read[1] and read[1][2] or {}
local got = #entries
if got == 0 then return reply({ left(), limited }) end
spend(got)

-- Tokens come from one counter per tenant: unique across claims, so a stale settlement
-- (from a lease taken back and handed out again) never matches.
local last_token = redis.call('HINCRBY', K.n, 'tok', got)
local out = { 0, limited }
local records, leases, ids, handed = {}, {}, {}, {}
for e = 1, got do
  -- The record is built from the entry with string cuts (see jobs.lua's entry layout):
  -- its fields 6..12 are the entry's tail, copied as one piece.
  local value = entries[e][2][2]
  local at = field_starts(value, E_TAIL)
  local id = string.sub(value, 1, at[2] - 2)
  local token = tostring(last_token - got + e)
  local raw = table.concat({ 'active', p, string.sub(value, at[2], at[3] - 2),
    tonumber(string.sub(value, at[3], at[4] - 2)) + 1, now, string.sub(value, at[E_TAIL]), '', worker, token,
    expires }, '\0')
  records[#records + 1] = id
  records[#records + 1] = raw
  leases[#leases + 1] = expires
  leases[#leases + 1] = id
  ids[#ids + 1] = id
  handed[#handed + 1] = id .. '/' .. token
  out[#out + 1] = id
  out[#out + 1] = raw
end
redis.call('HSET', K.j, unpack(records))
redis.call('ZADD', K.l, unpack(leases))
redis.call('HDEL', K.w, unpack(ids))
redis.call('HSET', K.q, claim_id, now .. ' ' .. table.concat(handed, ' '))
local last = entries[got][1]
local ms, seq = string.match(last, '^(%d+)-(%d+)$')
redis.call('XTRIM', stream, 'MINID', ms .. '-' .. (tonumber(seq) + 1))
bump('waiting', p, -got)
bump('active', p, got)
flush_writes()
out[1] = left()
return reply(out)
