-- cadenza doctor: the units held of each gate against the sum of what its holders hold
-- (src/store/doctor/gates.ts), read at one instant; with repair, the held count is set to
-- that sum. The holders are at most the jobs active at once, so reading them all is bounded
-- by the workers' concurrency, not by the store.
-- @keys 2
-- KEYS[1] held (gate -> units; '#gen' counts releases)   KEYS[2] holders (holder -> needs)
-- ARGV[1] '1' to repair
-- Answer: three per gate that disagrees: gate, units held, units its holders hold
local sums = {}
local holders = redis.call('HGETALL', KEYS[2])
for i = 2, #holders, 2 do
  for gate, units in string.gmatch(holders[i], '(%S+)=(%d+)') do
    sums[gate] = (sums[gate] or 0) + tonumber(units)
  end
end
local out = {}
local held = redis.call('HGETALL', KEYS[1])
local seen = {}
for i = 1, #held, 2 do
  local gate = held[i]
  if gate ~= '#gen' then
    seen[gate] = true
    local want = sums[gate] or 0
    if tonumber(held[i + 1]) ~= want then
      out[#out + 1] = gate
      out[#out + 1] = held[i + 1]
      out[#out + 1] = tostring(want)
    end
  end
end
for gate, want in pairs(sums) do
  if not seen[gate] and want ~= 0 then
    out[#out + 1] = gate
    out[#out + 1] = '0'
    out[#out + 1] = tostring(want)
  end
end
if ARGV[1] == '1' then
  for i = 1, #out, 3 do redis.call('HSET', KEYS[1], out[i], out[i + 2]) end
end
return out
