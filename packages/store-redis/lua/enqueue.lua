-- Adds a batch, all or nothing (core's planInserts, in Lua), over one or more tenants:
-- every job of every tenant is checked before anything is written, so a refusal writes
-- nothing and a batch spanning tenants is one atomic step.
-- @keys *
-- KEYS: one per tenant, its counts hash (keys.lua), one tenant after another
-- ARGV[1] now   ARGV[2] T, the number of tenants (-T: check only, write nothing, answer
--   'ok' or the refusal: a batch spanning primaries of a Redis Cluster is checked whole
--   before any part is written, src/store/enqueue.ts)   ARGV[3..2+T] how many jobs each has
-- then nine per job, tenant after tenant: local id, priority, runAt ('' for none), name,
--   payload, options without dependsOn (src/codec.ts), idempotency key ('' for none),
--   dependsOn as given (global ids, space-joined; '' for none), the schedule fire it
--   carries, '<scheduledFor> <scheduleId>' ('' for none)
-- Answer: 'ok' then three per job, in the order given: local id (the kept job's for a
--         repeated key or fire), status, created (1/0). A refusal answers '!' then, for each
--         tenant whose part has a fault, its first: the tenant's place (1-based), the kind
--         ('id' taken, 'self' dependency, 'parent' unknown), the job's place within its
--         tenant's part (1-based) and the id at fault, so that the caller words the
--         earliest of the batch as core does.
-- @include keys
-- @include record
-- @include jobs
-- @include new-job
-- @include schedule
--
-- A job's unique keys are core's: its idempotency key, then its schedule fire (kept in
-- K.k under fire_key, as record-fires.lua keeps it). A job holding one that a kept job,
-- or an earlier job of the call, holds creates nothing and answers that job.
local ctx = new_ctx(KEYS)
local K = ctx.K
local now, tenants = ARGV[1], tonumber(ARGV[2])
local check_only = tenants < 0
if check_only then tenants = -tenants end
local FIELDS = 9
local NONE = {}

-- Each tenant's part: where its jobs start in ARGV and how many there are.
local parts = {}
local first = 3 + tenants
for t = 1, tenants do
  local count = tonumber(ARGV[2 + t])
  parts[t] = { first = first, last = first + FIELDS * count - 1 }
  first = first + FIELDS * count
end

local function enter(t)
  use_tenant(ctx, t)
end

-- The K.k key of the schedule fire a job carries (its ninth field), or nil.
local function fire_of(a)
  local fire = ARGV[a + 8]
  if fire == '' then return nil end
  local at, sid = string.match(fire, '^(%S+) (.*)$')
  return fire_key(sid, at)
end

-- Checks one tenant's part, writing nothing: answers the plan for writing it, or a refusal.
local function check(t)
  local part = parts[t]
  local own = tenant_name(ctx) .. ':'
  local planned = {}     -- local id -> true for jobs this call creates
  local alias = {}       -- local id -> the kept job's local id (its key was held already)
  local held = {}        -- idempotency or fire key -> local id, for keys taken earlier in this call
  local kept_of = {}     -- per job: the kept job's local id (a repeated key), or false
  local parents_of = {}  -- per job with parents: their local ids, resolved and deduplicated

  -- Ids kept already, looked up in two HMGETs per chunk rather than two HEXISTS per job.
  local taken = {}
  for from = part.first, part.last, FIELDS * CHUNK do
    local ids = {}
    for a = from, math.min(part.last, from + FIELDS * CHUNK - 1), FIELDS do ids[#ids + 1] = ARGV[a] end
    local in_j = redis.call('HMGET', K.j, unpack(ids))
    local in_w = redis.call('HMGET', K.w, unpack(ids))
    for i = 1, #ids do
      if in_j[i] or in_w[i] then taken[ids[i]] = true end
    end
  end

  local n = 0
  for a = part.first, part.last, FIELDS do
    n = n + 1
    local id, key, deps, fire = ARGV[a], ARGV[a + 6], ARGV[a + 7], fire_of(a)
    if planned[id] or alias[id] or taken[id] then return { '!', t, 'id', n, own .. id } end
    local kept = false
    if key ~= '' then
      kept = held[key]
      if not kept then
        kept = redis.call('HGET', K.k, key)
        -- A key whose job retention deleted is free again.
        if kept and not id_taken(ctx, kept) then kept = false end
      end
    end
    if fire and not kept then kept = held[fire] or fire_holder(ctx, fire) or false end
    kept_of[n] = kept
    if kept then
      -- Creates nothing, so its own dependsOn is not looked at (as in core).
      alias[id] = kept
    else
      if deps ~= '' then
        local parents, seen = {}, {}
        for given in string.gmatch(deps, '%S+') do
          if given == own .. id then return { '!', t, 'self', n, given } end
          local parent = string.sub(given, 1, #own) == own and string.sub(given, #own + 1) or nil
          if parent then parent = alias[parent] or parent end
          if not parent or not (planned[parent] or id_taken(ctx, parent)) then return { '!', t, 'parent', n, given } end
          if not seen[parent] then
            seen[parent] = true
            parents[#parents + 1] = parent
          end
        end
        parents_of[n] = parents
      end
      planned[id] = true
      if key ~= '' then held[key] = id end
      if fire then held[fire] = id end
    end
  end
  return { kept_of = kept_of, parents_of = parents_of }
end

-- The stored dependsOn is the resolved list (an alias names the kept job), in global ids.
local function with_parents(options, parents)
  if #parents == 0 then return options end
  local ids = {}
  for i = 1, #parents do ids[i] = cjson.encode(tenant_name(ctx) .. ':' .. parents[i]) end
  local list = '"dependsOn":[' .. table.concat(ids, ',') .. ']'
  if options == '' then return '{' .. list .. '}' end
  return string.sub(options, 1, -2) .. ',' .. list .. '}'
end

-- Writes one tenant's checked part, adding three answers per job to `out`.
local function write(t, plan, out)
  local part = parts[t]
  -- A part with no idempotency keys, parents or fires (the bulk case) reads nothing back
  -- while it writes: its jobs that are ready now go straight into their streams, and
  -- their K.w entries are written together at the end.
  local plain = true
  for a = part.first, part.last, FIELDS do
    if ARGV[a + 6] ~= '' or ARGV[a + 7] ~= '' or ARGV[a + 8] ~= '' then
      plain = false
      break
    end
  end
  local where = {}
  local n = 0
  for a = part.first, part.last, FIELDS do
    n = n + 1
    local kept, id = plan.kept_of[n], ARGV[a]
    local run_at = ARGV[a + 2]
    if plain and (run_at == '' or tonumber(run_at) <= tonumber(now)) then
      local p = ARGV[a + 1]
      where[#where + 1] = id
      where[#where + 1] = append_entry(ctx, p, { id, log_new(ctx, id, now), '0', '', '', '', run_at, ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], '', '' })
      bump(ctx, 'waiting', p, 1)
      out[#out + 1] = id
      out[#out + 1] = 'waiting'
      out[#out + 1] = 1
    elseif kept then
      out[#out + 1] = kept
      out[#out + 1] = status_of(ctx, kept)
      out[#out + 1] = 0
    else
      local key, parents = ARGV[a + 6], plan.parents_of[n] or NONE
      local r = rec_new(ARGV[a + 1], log_new(ctx, id, now), run_at, ARGV[a + 3], ARGV[a + 4], with_parents(ARGV[a + 5], parents))
      out[#out + 1] = id
      out[#out + 1] = place(ctx, id, r, parents, now, nil)
      out[#out + 1] = 1
      if key ~= '' then redis.call('HSET', K.k, key, id) end
      local fire = fire_of(a)
      if fire then redis.call('HSET', K.k, fire, id) end
    end
  end
  call_chunked('HSET', K.w, where)
end

local plans, faults = {}, { '!' }
for t = 1, tenants do
  enter(t)
  local plan = check(t)
  if plan[1] == '!' then
    for i = 2, #plan do faults[#faults + 1] = plan[i] end
  end
  plans[t] = plan
end
if #faults > 1 then return reply(ctx, faults) end
if check_only then return reply(ctx, { 'ok' }) end
local out = { 'ok' }
for t = 1, tenants do
  enter(t)
  mark_live(ctx)
  write(t, plans[t], out)
end
return reply(ctx, out)
