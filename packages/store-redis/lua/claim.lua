-- Leases up to COUNT waiting jobs of ONE tenant in ONE priority band, oldest first.
-- @keys 1
-- ARGV[1] now   ARGV[2] priority   ARGV[3] count   ARGV[4] worker id   ARGV[5] expiresAt
-- ARGV[6] claim id (unique per call)   ARGV[7] the claim id this claimer last got an
--         answer for from this tenant ('' none): its memo can go
-- ARGV[8] maxActive   ARGV[9] rate (jobs/s)   ARGV[10] burst — the tenant's limits, '' none
-- ARGV[11] the gates with a capacity, space-joined ('r:gpu n:report.build'; '' none)
-- ARGV[12] how many parked jobs of the band to offer for gates (0: none)
-- Answer: { waiting jobs left in the band's stream, limited (1: a limit held the tenant to
--           at most COUNT jobs, so asking it again in the same call is pointless; 0
--           otherwise), jobs parked in the band, entries read from the stream (claimed or
--           parked), N offered, then N pairs of parked local id and needs ('gate=units …',
--           oldest first), then two per job: local id, record }
--
-- Gates: a job that needs a gate is not claimed here (its units are counted in another
-- slot) but parked, and offered with the band's older parked jobs; the caller takes units
-- for those that fit (gate-take.lua) and then claims them (claim-parked.lua).
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
-- @include claiming
local ctx = new_ctx(KEYS)
local K = ctx.K
local now, p, count, worker, expires = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local claim_id, forget = ARGV[6], ARGV[7]
local max_active, rate, burst = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local gate_list, offer = ARGV[11], tonumber(ARGV[12])
local stream = stream_of(ctx, p)
local GATES = nil
if gate_list ~= '' then
  GATES = {}
  for gate in string.gmatch(gate_list, '%S+') do GATES[gate] = true end
end

-- The answer (claiming.lua): the counts, the parked jobs offered (when asked and there is
-- room), the jobs.
local function answer(jobs, limited, room_left, read)
  local left, parked = band_counts(ctx, p)
  local offered = {}
  if offer > 0 and room_left > 0 and parked > 0 then
    local base = tonumber(p) * 1e12
    local ids = redis.call('ZRANGEBYSCORE', K.g, base, base + 1e12 - 1, 'LIMIT', 0, offer)
    if #ids > 0 then
      local needs = redis.call('HMGET', K.gn, unpack(ids))
      for i = 1, #ids do
        offered[#offered + 1] = ids[i]
        offered[#offered + 1] = needs[i] or ''
      end
    end
  end
  return claim_reply(ctx, left, limited, parked, read or #jobs / 2, offered, jobs)
end

-- What an entry's job needs of the gates ('' for nothing): its name's concurrency and the
-- resources its options declare, each only where a capacity is given.
local function needs_of(value, at)
  local name = entry_field(value, at, E_NAME)
  local needs = {}
  if GATES['n:' .. name] then needs[1] = 'n:' .. name .. '=1' end
  local options = entry_field(value, at, E_OPTIONS)
  if string.find(options, '"resources"', 1, true) then
    for resource, units in pairs(cjson.decode(options).resources or {}) do
      if GATES['r:' .. resource] then needs[#needs + 1] = 'r:' .. resource .. '=' .. string.format('%d', units) end
    end
  end
  return table.concat(needs, ' ')
end

if forget ~= '' then redis.call('HDEL', K.q, forget) end

local memo = redis.call('HGET', K.q, claim_id)
-- Asked again: the jobs of the lost answer that are still under that lease.
if memo then return answer(memo_replay(ctx, memo), 0, 0) end
-- Over a limit the jobs stay waiting, and the count left is still the band's whole count:
-- a limited tenant keeps its place in the ready index (it is not an empty one).
local room, spend = limit_room(ctx, tonumber(now), max_active, rate, burst)
local limited = 0
if room ~= nil and room <= count then
  limited = 1
  count = room
end
if count <= 0 or redis.call('EXISTS', stream) == 0 then return answer({}, limited, count) end
local read = redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', count, 'NOACK', 'STREAMS', stream, '>')
local entries = read and read[1] and read[1][2] or {}
local got = #entries
if got == 0 then return answer({}, limited, count) end

-- Every entry read leaves the stream: claimed here, or parked for its gates.
local taking, read_ids = {}, {}
for e = 1, got do
  local value = entries[e][2][2]
  -- Only the fields read here are found: up to options with gates, else up to the tail.
  local at = field_starts(value, GATES and E_OPTIONS + 1 or E_TAIL)
  local id = entry_field(value, at, E_ID)
  read_ids[e] = id
  local needs = GATES and needs_of(value, at) or ''
  if needs == '' then
    taking[#taking + 1] = { id, value, at }
  else
    local r = entry_record(entries[e][2], p)
    redis.call('HSET', K.j, id, rec_encode(r))
    redis.call('ZADD', K.g, tonumber(p) * 1e12 + redis.call('HINCRBY', K.n, 'gseq', 1), id)
    redis.call('HSET', K.gn, id, needs)
    bump(ctx, 'parked', p, 1)
  end
end
call_chunked('HDEL', K.w, read_ids)
local last = entries[got][1]
local ms, seq = string.match(last, '^(%d+)-(%d+)$')
redis.call('XTRIM', stream, 'MINID', ms .. '-' .. (tonumber(seq) + 1))

local taken = #taking
local jobs = {}
if taken > 0 then
  spend(taken)
  -- Tokens come from one counter per tenant: unique across claims, so a stale settlement
  -- (from a lease taken back and handed out again) never matches.
  local last_token = redis.call('HINCRBY', K.n, 'tok', taken)
  local records, leases, handed = {}, {}, {}
  for e = 1, taken do
    -- The record is built from the entry with string cuts (see jobs.lua's entry layout):
    -- its fields 6..12 are the entry's tail, copied as one piece.
    local id, value, at = taking[e][1], taking[e][2], taking[e][3]
    local token = tostring(last_token - taken + e)
    local raw = active_record(p, entry_field(value, at, E_CREATED), entry_field(value, at, E_ATTEMPT), now,
      string.sub(value, at[E_TAIL]), worker, token, expires)
    records[#records + 1] = id
    records[#records + 1] = raw
    leases[#leases + 1] = expires
    leases[#leases + 1] = id
    handed[#handed + 1] = id .. '/' .. token
    jobs[#jobs + 1] = id
    jobs[#jobs + 1] = raw
  end
  call_chunked('HSET', K.j, records)
  -- The lease index is also how active jobs are listed (listing.lua): no status index member.
  call_chunked('ZADD', K.l, leases)
  keep_memo(ctx, claim_id, now, handed)
  bump(ctx, 'waiting', p, -taken)
  bump(ctx, 'active', p, taken)
end
return answer(jobs, limited, count - taken, got)
