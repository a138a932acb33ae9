-- Shared: the tenant's keys. Every tenant script takes them first, in the order of
-- `tenantKeys(...).all` in src/keys.ts (ten band streams, then the named keys), so a
-- script's header says "@keys 27" and names only what comes after them in ARGV. A script
-- over several tenants (enqueue: a batch is all or nothing across tenants) takes 27 keys
-- per tenant, one tenant after another, and moves between them with use_tenant().
local KEYS_PER_TENANT = 27
local KEY_BASE = 0  -- where the current tenant's keys start in KEYS
local K = {}
local function bind_keys(base)
  KEY_BASE = base
  K.w = KEYS[base + 11]   -- hash  local id -> "<priority>/<entry id>" (waiting jobs)
  K.j = KEYS[base + 12]   -- hash  local id -> record (every job that is not waiting)
  K.n = KEYS[base + 13]   -- hash  "<status>/<priority>" -> count; 'tok' token counter; 'epoch' highest fence seen;
                          --       'bt'/'ba' the rate limit's bucket (limits.lua); 'gseq' parking order;
                          --       'live' set while the tenant is in the cross-tenant tenant set (see tenancy)
  K.k = KEYS[base + 14]   -- hash  idempotency key -> local id
  K.l = KEYS[base + 15]   -- zset  active local ids by lease deadline
  K.d = KEYS[base + 16]   -- zset  delayed local ids by runAt
  K.c = KEYS[base + 17]   -- zset  '<parent>\0<child>' for each child still blocked on a parent (all score 0)
  K.x = KEYS[base + 18]   -- list  parents that ended with children waiting for release
  K.f = KEYS[base + 19]   -- zset  finished local ids by finishedAt
  K.h = KEYS[base + 20]   -- hash  schedule id -> schedule row (schedule.lua)
  K.hz = KEYS[base + 21]  -- zset  schedule ids by nextFireAt
  K.q = KEYS[base + 22]   -- hash  claim id -> what that claim handed out (see claim.lua)
  K.g = KEYS[base + 23]   -- zset  waiting jobs parked for a gate, by band * 1e12 + arrival (see gates in jobs.lua)
  K.gn = KEYS[base + 24]  -- hash  local id -> 'gate=units ...' while parked, '@<holder>' while holding
  K.a = KEYS[base + 25]   -- stream  the creation log: entries of up to 100 local ids, named by createdAt (listing.lua)
  K.i = KEYS[base + 26]   -- zset  '<status code><log place><local id>' for every job not waiting (listing.lua)
  K.al = KEYS[base + 27]  -- hash  log entry id -> how many of its jobs are still kept (listing.lua)
end
bind_keys(0)

-- The stream of priority band p (0..9).
local function stream_of(p)
  return KEYS[KEY_BASE + 1 + tonumber(p)]
end

-- Lua's unpack() fails near 8,000 values, and Redis does not roll back what a script wrote
-- before failing: every command given a list goes through this, at most CHUNK values at a
-- time (an even number, so field/value and score/member pairs stay together).
local CHUNK = 1000
local function call_chunked(command, key, values)
  local n = #values
  for from = 1, n, CHUNK do
    redis.call(command, key, unpack(values, from, math.min(n, from + CHUNK - 1)))
  end
end

-- What the script tells its caller besides its own answer (see src/store/tenant-scripts.ts):
-- per tenant, the bands that got waiting jobs (the caller adds the tenant to their ready
-- indexes and publishes 'ready'), and whether a due time may have moved earlier ('due').
local PART, PARTS = 1, 1
local READY = {}
local DUE = false

local function note_ready(p)
  local bands = READY[PART]
  if not bands then
    bands = {}
    READY[PART] = bands
  end
  bands[p] = true
end

-- Writes that other includes hold back to send once per script (see jobs.lua's
-- flush_writes); reply() runs them, so every script sends them before it answers.
local BEFORE_REPLY = {}

-- Per-tenant state other includes keep for the current tenant (caches of what its keys
-- hold); use_tenant() runs these resets when a script moves to the next tenant.
local ON_NEXT_TENANT = {}

-- Gate holds given up by jobs that stopped being active (jobs.lua): the caller releases
-- them in the gates' own slot (src/store/gates/), since no tenant script can touch it.
local FREED = {}

-- Tenancy: the cross-tenant tenant set (P:tenants, walked by the coordinator, listing and
-- depths) holds the tenants that have jobs or schedules. K.n's 'live' field says the
-- tenant is in it; a script that writes a job or a schedule marks it, and when it was not
-- marked (a new tenant, or one that had left: retention.lua), the caller adds the tenant
-- to the set (src/store/tenant-scripts.ts). Per tenant of the script: marked now or not.
local LIVE = {}
local function mark_live()
  if LIVE[PART] == nil then LIVE[PART] = redis.call('HSETNX', K.n, 'live', 1) == 1 end
end

-- Moves a script over several tenants to its `part`-th tenant (1-based): what is held back
-- for the current one is written first.
local function use_tenant(part)
  for i = 1, #BEFORE_REPLY do BEFORE_REPLY[i]() end
  for i = 1, #ON_NEXT_TENANT do ON_NEXT_TENANT[i]() end
  PART = part
  if part > PARTS then PARTS = part end
  bind_keys((part - 1) * KEYS_PER_TENANT)
end

-- Every tenant script returns through this:
--   { ready bands, due (0/1), freed holds, tenants marked live now, answer... }.
-- The ready bands are digits ('597'); a script over several tenants gives them per tenant,
-- separated by '|', in the order of its tenants. The tenants marked live are their places
-- in that order ('1' for a one-tenant script), space-joined.
local function reply(answer)
  for i = 1, #BEFORE_REPLY do BEFORE_REPLY[i]() end
  local parts, live = {}, {}
  for part = 1, PARTS do
    local bands = {}
    for p in pairs(READY[part] or {}) do bands[#bands + 1] = p end
    parts[part] = table.concat(bands, '')
    if LIVE[part] then live[#live + 1] = part end
  end
  local out = { table.concat(parts, '|'), DUE and 1 or 0, table.concat(FREED, ' '), table.concat(live, ' ') }
  for i = 1, #answer do out[#out + 1] = answer[i] end
  return out
end
