-- Takes units of the cluster-wide gates (named resources, per-name concurrency) for
-- parked jobs, in the order offered: each job whose every gate has room gets all it
-- needs at once; the others get nothing and stay parked. Touches only the gates' slot.
-- @keys 4
-- KEYS[1] held (gate -> units)   KEYS[2] holders (holder -> needs)
-- KEYS[3] deadlines (holder by when its hold must be confirmed)   KEYS[4] waiters
-- ARGV[1] now   ARGV[2] deadline for the new holds (the lease deadline they will get)
-- ARGV[3] most holds to grant   ARGV[4] capacities, 'gate=units …'
-- ARGV[5..] two per job: holder ('<tenant>/<local id>/<claim id>'), needs ('gate=units …')
-- Answer: { N granted, N holders, then holders whose deadline passed (to be confirmed or
--           released by the caller, who can read their jobs) }
local now, deadline, most = ARGV[1], ARGV[2], tonumber(ARGV[3])
local capacity = {}
for gate, units in string.gmatch(ARGV[4], '(%S+)=(%d+)') do capacity[gate] = tonumber(units) end
local held = {}
local function held_of(gate)
  if held[gate] == nil then held[gate] = tonumber(redis.call('HGET', KEYS[1], gate) or '0') end
  return held[gate]
end

local granted = {}
for a = 5, #ARGV, 2 do
  if #granted >= most then break end
  local holder, needs = ARGV[a], ARGV[a + 1]
  local wants, fits = {}, true
  for gate, units in string.gmatch(needs, '(%S+)=(%d+)') do
    units = tonumber(units)
    wants[#wants + 1] = { gate, units }
    if capacity[gate] and held_of(gate) + units > capacity[gate] then fits = false end
  end
  if fits then
    for _, want in ipairs(wants) do
      held[want[1]] = held_of(want[1]) + want[2]
      redis.call('HINCRBY', KEYS[1], want[1], want[2])
    end
    redis.call('HSET', KEYS[2], holder, needs)
    redis.call('ZADD', KEYS[3], deadline, holder)
    granted[#granted + 1] = holder
  end
end
local out = { #granted }
for i = 1, #granted do out[#out + 1] = granted[i] end
for _, holder in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. now, 'LIMIT', 0, 50)) do
  out[#out + 1] = holder
end
return out
