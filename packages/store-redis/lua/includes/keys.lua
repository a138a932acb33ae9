-- Shared: the tenant's keys. Every tenant script takes them first, in the order of
-- `tenantKeys(...).all` in src/keys.ts (ten band streams, then the named keys), so a
-- script's header says "@keys 24" and names only what comes after them in ARGV.
local K = {
  w = KEYS[11],   -- hash  local id -> "<priority>/<entry id>" (waiting jobs)
  j = KEYS[12],   -- hash  local id -> record (every job that is not waiting)
  n = KEYS[13],   -- hash  "<status>/<priority>" -> count; 'tok' token counter; 'epoch' highest fence seen;
                  --       'bt'/'ba' the rate limit's bucket: tokens and refill time (limits.lua)
  k = KEYS[14],   -- hash  idempotency key -> local id
  l = KEYS[15],   -- zset  active local ids by lease deadline
  d = KEYS[16],   -- zset  delayed local ids by runAt
  c = KEYS[17],   -- hash  parent local id -> children still blocked (space-joined local ids)
  x = KEYS[18],   -- list  parents that ended with children waiting for release
  f = KEYS[19],   -- zset  finished local ids by finishedAt
  h = KEYS[20],   -- hash  schedule id -> schedule (JSON)
  hz = KEYS[21],  -- zset  schedule ids by nextFireAt
  q = KEYS[22],   -- hash  claim id -> what that claim handed out (see claim.lua)
  g = KEYS[23],   -- zset  waiting jobs parked for a gate, by band * 1e12 + arrival (see gates in jobs.lua)
  gn = KEYS[24],  -- hash  local id -> 'gate=units ...' while parked, '@<holder>' while holding
}

-- The stream of priority band p (0..9).
local function stream_of(p)
  return KEYS[1 + tonumber(p)]
end

-- What the script tells its caller besides its own answer (see src/store/tenant-scripts.ts):
-- the bands that got waiting jobs (the caller adds the tenant to their ready indexes and
-- publishes 'ready') and whether a due time may have moved earlier ('due').
local READY = {}
local DUE = false

-- Writes that other includes hold back to send once per script (see jobs.lua's
-- flush_writes); reply() runs them, so every script sends them before it answers.
local BEFORE_REPLY = {}

-- Gate holds given up by jobs that stopped being active (jobs.lua): the caller releases
-- them in the gates' own slot (src/store/gates/), since no tenant script can touch it.
local FREED = {}

-- Every tenant script returns through this: { ready bands, due (0/1), freed holds, answer... }.
local function reply(answer)
  for i = 1, #BEFORE_REPLY do BEFORE_REPLY[i]() end
  local bands = {}
  for p in pairs(READY) do bands[#bands + 1] = p end
  local out = { table.concat(bands, ''), DUE and 1 or 0, table.concat(FREED, ' ') }
  for i = 1, #answer do out[#out + 1] = answer[i] end
  return out
end
