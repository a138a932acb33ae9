-- cadenza doctor: checks where each of some jobs of ONE tenant is kept against what its
-- status calls for (src/store/doctor/). One call sees its jobs at one instant, so a job
-- moving while the doctor reads the tenant in chunks is never reported half-moved.
-- @keys 1
-- @no-writes
-- ARGV[1..] local ids (a job that no longer exists is passed over: it was deleted meanwhile)
-- Answer: five per problem: local id, the check it breaks ('placement', 'leases',
--         'indexes', 'gates', 'dependencies'), the doctor-repair.lua fix for it ('' when
--         none is safe), that fix's argument beyond the id, what is wrong (one line)
-- @include keys
-- @include record
-- @include jobs
local ctx = new_ctx(KEYS)
local K = ctx.K
local tenant = tenant_name(ctx)
local out = {}
local function say(id, check, text, fix, arg)
  out[#out + 1] = id
  out[#out + 1] = check
  out[#out + 1] = fix or ''
  out[#out + 1] = arg or ''
  out[#out + 1] = text
end

-- Whether `id` is in sorted set `key` with score `want` (a string, '' for any score).
local function scored(key, id, want)
  local score = redis.call('ZSCORE', key, id)
  if not score then return false, nil end
  if want == '' then return true, score end
  return tonumber(score) == tonumber(want), score
end

-- A job with record `r` is in index `key` exactly when `inside`, at score `score`.
-- The fix is to file it again from its record, except for a parked job out of K.g: its
-- place in the parking order is lost with the member.
local function index_agrees(id, r, check, key, label, inside, score)
  local ok, found = scored(key, id, score)
  local fix = key == K.g and '' or 'reindex'
  if inside and not ok then
    if found then
      say(id, check, r[R_STATUS] .. ' job has ' .. label .. ' ' .. found .. ', its record says ' .. score, fix)
    else
      say(id, check, r[R_STATUS] .. ' job is missing from the ' .. label .. ' index', fix)
    end
  elseif not inside and found then
    say(id, check, r[R_STATUS] .. ' job is in the ' .. label .. ' index', 'reindex')
  end
end

local function check_waiting_entry(id, where)
  local p, entry_id = string.match(where, '^(%d)/(.+)$')
  if not p then
    say(id, 'placement', 'waiting index holds "' .. where .. '", not "<priority>/<entry id>"')
    return
  end
  local found = redis.call('XRANGE', stream_of(ctx, p), entry_id, entry_id)[1]
  if not found then
    say(id, 'placement', 'waiting index points at entry ' .. entry_id .. ' of band ' .. p .. ', which is gone')
    return
  end
  local _, holder = entry_record(found[2], p)
  if holder ~= id then
    say(id, 'placement', 'waiting index points at entry ' .. entry_id .. ' of band ' .. p .. ', which holds job ' .. holder)
  end
  for _, key in ipairs({ K.l, K.d, K.f, K.g }) do
    if redis.call('ZSCORE', key, id) then
      say(id, 'placement', 'waiting job (in a stream) is also in ' .. string.sub(key, #K._prefix + 1))
    end
  end
end

-- A blocked job waits on each parent that has not succeeded: registered as its child
-- ('<parent>\0<child>' in K.c) until release-dependents has looked at it, and a parent
-- that ended with children still registered is queued for their release (K.x).
local function check_blocked(id, r)
  local parents = rec_options(r).dependsOn or {}
  local head = tenant .. ':'
  local waiting_on, said = 0, #out
  for _, parent_id in ipairs(parents) do
    local parent = parent_id
    if string.sub(parent_id, 1, #head) == head then parent = string.sub(parent_id, #head + 1) end
    local registered = redis.call('ZSCORE', K.c, parent .. '\0' .. id) ~= false
    local looked = redis.call('ZSCORE', K.c, parent .. '\1' .. id) ~= false
    local status = status_of(ctx, parent)
    if registered then waiting_on = waiting_on + 1 end
    if status == nil then
      -- Retention keeps a parent while a child of it has not ended.
      say(id, 'dependencies', 'blocked on parent ' .. parent_id .. ', which is gone')
    elseif not FINAL[status] then
      if not registered then
        say(id, 'dependencies', 'blocked on ' .. status .. ' parent ' .. parent_id .. ' but not registered as its child',
          'register', parent)
      end
    elseif registered then
      if not redis.call('LPOS', K.x, parent) then
        say(id, 'dependencies', 'parent ' .. parent_id .. ' ended ' .. status .. ' but is not queued to release it',
          'register', parent)
      end
    elseif status ~= 'succeeded' or not looked then
      say(id, 'dependencies', 'blocked, but parent ' .. parent_id .. ' ended ' .. status .. ' without releasing it')
    end
  end
  if waiting_on == 0 and #out == said then say(id, 'dependencies', 'blocked, but registered as the child of no parent') end
end

local KNOWN = { waiting = true, delayed = true, blocked = true, active = true }
local function check_record(id, r)
  local status = r[R_STATUS]
  if not KNOWN[status] and not FINAL[status] then
    say(id, 'placement', 'record has unknown status "' .. status .. '"')
    return
  end
  index_agrees(id, r, 'leases', K.l, 'lease', status == 'active', r[R_EXPIRES])
  index_agrees(id, r, 'indexes', K.d, 'delayed', status == 'delayed', r[R_RUNAT])
  index_agrees(id, r, 'indexes', K.f, 'finished', FINAL[status] == true, r[R_FINISHED])
  -- A waiting job with a record is parked for a gate (jobs.lua); its needs are in K.gn.
  index_agrees(id, r, 'placement', K.g, 'parked', status == 'waiting', '')
  local gate = redis.call('HGET', K.gn, id)
  if status == 'waiting' and (not gate or string.sub(gate, 1, 1) == '@') then
    say(id, 'gates', 'parked job has no needs recorded')
  elseif gate and string.sub(gate, 1, 1) == '@' and status ~= 'active' then
    say(id, 'gates', status .. ' job still holds gate units as ' .. string.sub(gate, 2), 'reindex')
  elseif gate and string.sub(gate, 1, 1) ~= '@' and status ~= 'waiting' then
    say(id, 'gates', status .. ' job still has parked needs "' .. gate .. '"', 'reindex')
  end
  if status == 'active' and r[R_TOKEN] == '' then say(id, 'leases', 'active job has no lease token') end
  local member = index_member(status, r[R_CREATED], id)
  if member and not redis.call('ZSCORE', K.i, member) then
    say(id, 'indexes', status .. ' job is missing from the listing index', 'reindex')
  end
  if status == 'blocked' then check_blocked(id, r) end
end

for i = 1, #ARGV do
  local id = ARGV[i]
  local raw = redis.call('HGET', K.j, id)
  local where = redis.call('HGET', K.w, id)
  if raw and where then
    say(id, 'placement', 'is both a stream entry (waiting) and a record (' .. string.match(raw, '^[^%z]*') .. ')')
  elseif where then
    check_waiting_entry(id, where)
  elseif raw then
    check_record(id, rec_decode(raw))
  end
end
return reply(ctx, out)
