-- Shared: the tenant's keys, and the state of one call. Needs nothing; every other include
-- needs it first.
--
-- Every tenant function is given ONE key per tenant, its counts hash `P:{t:T}:n` (K.n),
-- and reaches the tenant's other keys by name: they are that name with another suffix
-- (src/keys.ts), so they share its hash tag and its slot, which is all Redis Cluster
-- checks of a key a function did not declare. Parsing and converting 27 key arguments
-- cost ~2.5 µs of every call; a script's header says "@keys 1" and names what follows in
-- ARGV. A script over several tenants (enqueue: a batch is all or nothing across
-- tenants) takes one key per tenant and moves between them with use_tenant().
--
-- A library's top level runs once, at FUNCTION LOAD, and its locals are shared by every
-- call: here they hold only constants and functions. What one call keeps — its keys, the
-- current tenant, what it holds back to write, what it tells its caller — is one table,
-- `ctx`, made by new_ctx() at the start of the call and passed to every helper that needs
-- it. Its fields, by the include that uses them (the tables among them made on first use,
-- by ctx_table):
--   keys.lua     keys (the call's KEYS), K (the current tenant's named keys, made on first
--                use), tenant (its name, once asked: tenant_name),
--                part / parts (current tenant, tenants so far), ready, due, freed, live
--   jobs.lua     pending_counts, pending_finished, pending_unleased, pending_children,
--                groups, gated, now (the call's now, for activity), pending_activity
--   listing.lua  log, log_last, unlisted
-- Redis 7.0 runs the top level without the standard globals (string, table, math…):
-- use them only inside function bodies.

-- The tenant's named keys: K[name] is '<the tenant's key prefix><suffix>'. src/keys.ts is the
-- one description of the layout (TENANT_KEY_LAYOUT, COUNTS_FIELDS); src/layout.test.ts
-- fails when this table, or a field of K.n the scripts use, disagrees with it. Band p's
-- stream of waiting jobs is 's:' .. p (stream_of).
local KEY_SUFFIX = {
  w = 'w',      -- hash  local id -> "<p>/<entry id>" (waiting jobs in a stream)
  j = 'j',      -- hash  local id -> record (record.lua; every other job)
  n = 'n',      -- hash  "<status>/<p>" -> count; 'tok' token counter; 'epoch' highest fence seen;
                --       'bt'/'ba' the rate limit's bucket (limits.lua); 'gseq' parking order;
                --       'alog' newest creation log id given (listing.lua);
                --       'live' set while the tenant is in the cross-tenant tenant set (see tenancy)
  k = 'k',      -- hash  idempotency key (or a fire key, schedule.lua) -> local id
  l = 'l',      -- zset  active local ids by lease deadline
  d = 'd',      -- zset  delayed local ids by runAt
  c = 'c',      -- zset  '<parent>\0<child>' per child blocked on a parent, '<parent>\1<child>' once
                --       looked at while it waited on another (all score 0; jobs.lua)
  x = 'x',      -- list  parents that ended with children waiting for release
  f = 'f',      -- zset  finished local ids by finishedAt
  h = 'h',      -- hash  schedule id -> schedule row (NUL-joined; schedule.lua)
  hz = 'hz',    -- zset  schedule ids by nextFireAt
  q = 'q',      -- hash  claim id -> '<made at> <local id>/<token> ...' it handed out (claim.lua)
  g = 'g',      -- zset  waiting jobs parked for a gate, by band * 1e12 + 'gseq' (see gates in jobs.lua)
  gn = 'gn',    -- hash  local id -> 'gate=units ...' while parked, '@<holder>' while holding
  a = 'a',      -- stream  the creation log: entries of up to 100 local ids, named by createdAt (listing.lua)
  i = 'i',      -- zset  '<status code><log place><local id>' for every job not waiting (listing.lua)
  al = 'al',    -- hash  log entry id -> how many of its jobs are still kept (listing.lua)
  m = 'm',      -- hash  activity ring: slot (minute % 60) -> '<minute> <succeeded> <failed> <retried>' (jobs.lua)
  pa = 'pa',    -- hash  local id -> its past attempts, JSON (jobs.lua); deleted with the job
}

-- K: the current tenant's keys by name, each built on first use (most calls use a few).
local KEY_META = {
  __index = function(K, name)
    local suffix = KEY_SUFFIX[name]
    if not suffix then return nil end
    local key = K._prefix .. suffix
    K[name] = key
    return key
  end,
}

-- Binds ctx to its tenant at `part` (1-based) in keys. ctx.K stays the same table
-- (functions hold it as their local K): the keys built for the previous tenant go.
local function bind_keys(ctx, part)
  local K, counts = ctx.K, ctx.keys[part]
  for name in pairs(KEY_SUFFIX) do K[name] = nil end
  K.n = counts
  K._prefix = string.sub(counts, 1, -2)
  ctx.tenant = nil
end

-- The state of one call over `keys` (its KEYS), bound to its first tenant. The tables
-- other includes keep in it are made on first use (ctx_table): most calls need few.
local function new_ctx(keys)
  local counts = keys[1]
  return {
    keys = keys, K = setmetatable({ n = counts, _prefix = string.sub(counts, 1, -2) }, KEY_META), 
    part = 1, parts = 1, due = false,
  }
end

-- ctx[name], made an empty table on first use.
local function ctx_table(ctx, name)
  local t = ctx[name]
  if not t then
    t = {}
    ctx[name] = t
  end
  return t
end

-- The current tenant's name, from its key names (ids in messages are given in full:
-- "<tenant>:<local>").
local function tenant_name(ctx)
  if not ctx.tenant then ctx.tenant = string.match(ctx.K.w, '{t:(.*)}:w$') end
  return ctx.tenant
end

-- The stream of priority band p (0..9).
local function stream_of(ctx, p)
  return ctx.K._prefix .. 's:' .. p
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

-- What the script tells its caller besides its own answer (see src/store/script-notes.ts):
-- per tenant, the bands that got waiting jobs (the caller adds the tenant to their ready
-- indexes and publishes 'ready'), and whether a due time may have moved earlier ('due'):
-- ctx.ready (per tenant of the call, the set of its bands) and ctx.due.

local function note_ready(ctx, p)
  local ready = ctx_table(ctx, 'ready')
  local bands = ready[ctx.part]
  if not bands then
    bands = {}
    ready[ctx.part] = bands
  end
  bands[p] = true
end

-- Writes that other includes hold back to send once per call (see jobs.lua's
-- flush_writes); reply() runs them, so every function sends them before it answers. Filled
-- at load time with functions of ctx; never changed by a call.
local BEFORE_REPLY = {}

-- Per-tenant state other includes keep in ctx for the current tenant (caches of what its
-- keys hold); use_tenant() runs these resets (functions of ctx) when a call moves to the
-- next tenant.
local ON_NEXT_TENANT = {}

-- Gate holds given up by jobs that stopped being active (jobs.lua): the caller releases
-- them (ctx.freed) in the gates' own slot (src/store/gates/), since no tenant script can
-- touch it.

-- Tenancy: the cross-tenant tenant set (P:tenants, walked by the coordinator, listing and
-- depths) holds the tenants that have jobs or schedules. K.n's 'live' field says the
-- tenant is in it; a script that writes a job or a schedule marks it, and when it was not
-- marked (a new tenant, or one that had left: retention.lua), the caller adds the tenant
-- to the set (src/store/script-notes.ts). Per tenant of the script: marked now or not.
local function mark_live(ctx)
  local live = ctx_table(ctx, 'live')
  if live[ctx.part] == nil then live[ctx.part] = redis.call('HSETNX', ctx.K.n, 'live', 1) == 1 end
end

-- Moves a script over several tenants to its `part`-th tenant (1-based): what is held back
-- for the current one is written first.
local function use_tenant(ctx, part)
  for i = 1, #BEFORE_REPLY do BEFORE_REPLY[i](ctx) end
  for i = 1, #ON_NEXT_TENANT do ON_NEXT_TENANT[i](ctx) end
  ctx.part = part
  if part > ctx.parts then ctx.parts = part end
  bind_keys(ctx, part)
end

-- Every tenant script returns through this:
--   { ready bands, due (0/1), freed holds, tenants marked live now, answer... }.
-- The ready bands are digits ('597'); a script over several tenants gives them per tenant,
-- separated by '|', in the order of its tenants. The tenants marked live are their places
-- in that order ('1' for a one-tenant script), space-joined.
local function reply(ctx, answer)
  for i = 1, #BEFORE_REPLY do BEFORE_REPLY[i](ctx) end
  local ready, live, freed = ctx.ready, ctx.live, ctx.freed
  local bands, marked = '', ''
  if ready or live then
    local parts, lived = {}, {}
    for part = 1, ctx.parts do
      local set, digits = ready and ready[part], {}
      if set then
        for p in pairs(set) do digits[#digits + 1] = p end
      end
      parts[part] = table.concat(digits, '')
      if live and live[part] then lived[#lived + 1] = part end
    end
    bands, marked = table.concat(parts, '|'), table.concat(lived, ' ')
  elseif ctx.parts > 1 then
    bands = string.rep('|', ctx.parts - 1)
  end
  local out = { bands, ctx.due and 1 or 0, freed and table.concat(freed, ' ') or '', marked }
  for i = 1, #answer do out[i + 4] = answer[i] end
  return out
end
