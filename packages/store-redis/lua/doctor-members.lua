-- cadenza doctor: checks that members of one of ONE tenant's indexes name jobs in the
-- status the index is for (src/store/doctor/), the other way round from doctor-jobs.lua.
-- @keys 1
-- @no-writes
-- ARGV[1] the index: 'l' leases, 'd' delayed, 'f' finished, 'g' parked, 'gn' gate needs
--         and holds, 'k' idempotency keys, 'pa' past attempts, 'c' children, 'i' listing, or 's:<p>' the
--         stream of band p (members are entry ids)
-- ARGV[2..] members (a member no longer in the index is passed over: it moved meanwhile)
-- Answer: five per problem: member, the check it breaks, the doctor-repair.lua fix for it
--         ('' when none is safe), '' (as doctor-jobs.lua answers), what is wrong (one line)
-- @include keys
-- @include record
-- @include jobs
local ctx = new_ctx(KEYS)
local K = ctx.K
local index = ARGV[1]
local out = {}
local function say(member, check, text, fix)
  out[#out + 1] = member
  out[#out + 1] = check
  out[#out + 1] = fix or ''
  out[#out + 1] = ''
  out[#out + 1] = text
end

local SORTED = {
  l = { check = 'leases', label = 'lease', wants = function(s) return s == 'active' end },
  d = { check = 'indexes', label = 'delayed', wants = function(s) return s == 'delayed' end },
  f = { check = 'indexes', label = 'finished', wants = function(s) return FINAL[s] == true end },
  g = { check = 'placement', label = 'parked', wants = function(s) return s == 'waiting' end },
}
local CODE_STATUS = {}
for status, code in pairs(STATUS_CODE) do CODE_STATUS[code] = status end

-- The status of a job as its record says; 'waiting' for a stream entry; nil when unknown.
local function record_status(id)
  local raw = redis.call('HGET', K.j, id)
  if raw then return string.match(raw, '^[^%z]*') end
  if redis.call('HEXISTS', K.w, id) == 1 then return 'stream' end
  return nil
end

local function check_member(member)
  local sorted = SORTED[index]
  if sorted then
    if not redis.call('ZSCORE', K[index], member) then return end
    local status = record_status(member)
    if not sorted.wants(status) then
      say(member, sorted.check, 'is in the ' .. sorted.label .. ' index but is ' .. (status or 'gone'), 'reindex')
    end
  elseif index == 'gn' then
    local value = redis.call('HGET', K.gn, member)
    if not value then return end
    local status = record_status(member)
    local holding = string.sub(value, 1, 1) == '@'
    if (holding and status ~= 'active') or (not holding and status ~= 'waiting') then
      say(member, 'gates', 'has gate entry "' .. value .. '" but is ' .. (status or 'gone'), 'reindex')
    end
  elseif index == 'k' then
    local id = redis.call('HGET', K.k, member)
    if id and not record_status(id) then
      say(member, 'idempotency', 'idempotency key names job ' .. id .. ', which is gone', 'key')
    end
  elseif index == 'pa' then
    -- Retention deletes a job's past attempts with it; any left name a job that is gone.
    if redis.call('HEXISTS', K.pa, member) == 1 and not record_status(member) then
      say(member, 'orphans', 'has past attempts kept, but no such job is kept', 'past')
    end
  elseif index == 'c' then
    if not redis.call('ZSCORE', K.c, member) then return end
    local parent, mark, child = string.match(member, '^([^%z\1]*)([%z\1])(.*)$')
    if not parent then
      say(member, 'dependencies', 'children entry is not "<parent>\\0<child>"')
      return
    end
    -- A child still registered ('\0') waits on that parent. One looked at ('\1') may have
    -- ended or gone since: retention reads those only to keep the parent meanwhile.
    if mark == '\0' then
      local status = record_status(child)
      if status ~= 'blocked' then
        say(member, 'dependencies', 'child ' .. child .. ' of ' .. parent .. ' is registered as blocked but is ' .. (status or 'gone'),
          'child')
      end
    end
  elseif index == 'i' then
    if not redis.call('ZSCORE', K.i, member) then return end
    local code, id = string.sub(member, 1, 1), string.sub(member, 13)
    local status = record_status(id)
    if status ~= CODE_STATUS[code] then
      say(member, 'indexes', 'listing index has job ' .. id .. ' as ' .. (CODE_STATUS[code] or code) .. ' but it is ' .. (status or 'gone'),
        'unlist')
    end
  else
    local p = string.match(index, '^s:(%d)$')
    local found = redis.call('XRANGE', stream_of(ctx, p), member, member)[1]
    if not found then return end
    local _, id = entry_record(found[2], p)
    local where = redis.call('HGET', K.w, id)
    if where ~= p .. '/' .. member then
      say(member, 'placement', 'stream entry of band ' .. p .. ' holds job ' .. id .. ', which the waiting index puts at ' .. (where or 'nothing'),
        where and '' or 'where')
    end
  end
end

for i = 2, #ARGV do check_member(ARGV[i]) end
return reply(ctx, out)
